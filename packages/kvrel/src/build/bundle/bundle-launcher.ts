/**
 * Bundles the launcher (launcher/launcher-entry.ts: bin/<name>'s commands, the daemon's spawner, the
 * port mapper) into the one CommonJS file a SEA runs. It holds no application code and none of
 * kvrel's node side (src/node/): the executable carries those as an asset, loaded only to boot a node.
 */
import { build } from 'esbuild';
import { stubOptionalNativeModules } from './stub-optional-native-modules.js';
import { resolve } from 'node:path';
import { kvrelEntryFile } from '../package-dir.js';
import { reusableResult, saveResult, stateKey } from './build-state.js';
import { UserError } from '../../shared/user-error.js';
import { firstEsbuildError } from '../config/load-config-file.js';

/**
 * Bundles the launcher unless none of its sources changed since the last time (stateFile). Returns
 * the source files it holds (absolute paths): the node's code must not be among them.
 */
export async function bundleLauncher(outfile: string, target: string, stateFile: string): Promise<readonly string[]> {
  const key = stateKey('launcher', 2, outfile, target);
  const saved = reusableResult<string[]>(stateFile, key);
  if (saved) return saved;
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
    const inputs = Object.keys(result.metafile.inputs).map((input) => resolve(input));
    saveResult(stateFile, key, inputs, [outfile], inputs);
    return inputs;
  } catch (error) {
    throw new UserError('KVREL_BUNDLE_FAILED', `could not bundle the release launcher: ${firstEsbuildError(error)}`);
  }
}
