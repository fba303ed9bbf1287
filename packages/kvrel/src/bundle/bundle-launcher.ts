/**
 * Bundles the launcher (launcher/launcher-entry.ts: bin/<name>'s commands, the daemon's spawner, the
 * port mapper) into the one CommonJS file a SEA runs. It holds no application code, so it is the same
 * for every release built by this kvrel on this base binary, and so is the executable made from it.
 */
import { build } from 'esbuild';
import { stubOptionalNativeModules } from './stub-optional-native-modules.js';
import { resolve } from 'node:path';
import { kvrelEntryFile } from '../package-dir.js';
import { reusableResult, saveResult, stateKey } from './build-state.js';
import { UserError } from '../user-error.js';
import { firstEsbuildError } from '../config/load-config-file.js';

/** Bundles the launcher unless none of its sources changed since the last time (stateFile). */
export async function bundleLauncher(outfile: string, target: string, stateFile: string): Promise<void> {
  const key = stateKey('launcher', outfile, target);
  if (reusableResult<true>(stateFile, key)) return;
  try {
    const result = await build({
      entryPoints: [kvrelEntryFile('launcher/launcher-entry')],
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target,
      outfile,
      minify: true,
      keepNames: true,
      logLevel: 'silent',
      legalComments: 'none',
      // A SEA's main can require built-ins only: everything else is inside.
      packages: 'bundle',
      plugins: [stubOptionalNativeModules],
      metafile: true,
    });
    saveResult(stateFile, key, Object.keys(result.metafile.inputs).map((input) => resolve(input)), [outfile], true);
  } catch (error) {
    throw new UserError('KVREL_BUNDLE_FAILED', `could not bundle the release launcher: ${firstEsbuildError(error)}`);
  }
}
