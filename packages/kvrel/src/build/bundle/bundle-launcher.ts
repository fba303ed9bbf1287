/**
 * Bundles the launcher (launcher/launcher-entry.ts: bin/<name>'s commands, the daemon's spawner, the
 * port mapper) into the one CommonJS file a SEA runs. It holds no application code and none of
 * kvrel's node side (src/node/): the executable carries those as an asset, loaded only to boot a node.
 */
import { build } from 'esbuild';
import { stubOptionalNativeModules } from './stub-optional-native-modules.js';
import { resolve } from 'node:path';
import { kvrelEntryFile, kvrelResolveConditions } from '../package-dir.js';
import { reusableResult, saveResult, stateKey } from './build-state.js';
import { UserError } from '../../shared/user-error.js';
import { firstEsbuildError } from '../config/load-config-file.js';

/** A source file the launcher bundle holds (absolute path), and how many bytes of its code are in it. */
export interface LauncherInput {
  readonly file: string;
  readonly bytes: number;
}

/**
 * Bundles the launcher unless none of its sources changed since the last time (stateFile). Returns
 * the source files whose code it holds: the node's code must not be among them.
 */
export async function bundleLauncher(outfile: string, target: string, stateFile: string): Promise<readonly LauncherInput[]> {
  const key = stateKey('launcher', 3, outfile, target);
  const saved = reusableResult<LauncherInput[]>(stateFile, key);
  if (saved) return saved;
  try {
    const result = await build({
      entryPoints: [kvrelEntryFile('launcher/launcher-entry')],
      bundle: true,
      platform: 'node',
      // kvrel's own packages as this process runs them: their sources in this monorepo, else dist/.
      conditions: kvrelResolveConditions(),
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
    const held = Object.values(result.metafile.outputs).flatMap((output) =>
      Object.entries(output.inputs).map(([input, { bytesInOutput }]) => ({ file: resolve(input), bytes: bytesInOutput })),
    );
    saveResult(stateFile, key, inputs, [outfile], held);
    return held;
  } catch (error) {
    throw new UserError('KVREL_BUNDLE_FAILED', `could not bundle the release launcher: ${firstEsbuildError(error)}`);
  }
}
