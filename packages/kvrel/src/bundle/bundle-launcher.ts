/**
 * Bundles the launcher (launcher/launcher-entry.ts: bin/<name>'s commands, the daemon's spawner, the
 * port mapper) into the one CommonJS file a SEA runs. It holds no application code, so it is the same
 * for every release built by this kvrel on this base binary, and so is the executable made from it.
 */
import { build, type Plugin } from 'esbuild';
import { resolve } from 'node:path';
import { kvrelPackageFile } from '../package-dir.js';
import { reusableResult, saveResult, stateKey } from './build-state.js';
import { UserError } from '../user-error.js';
import { firstEsbuildError } from '../config/load-config-file.js';

/** msgpackr falls back from its optional native extension; a SEA cannot load one from its blob. */
const stubMsgpackrExtract: Plugin = {
  name: 'kvrel-stub-msgpackr-extract',
  setup(build) {
    build.onResolve({ filter: /^msgpackr-extract$/ }, (args) => ({ path: args.path, namespace: 'kvrel-stub' }));
    build.onLoad({ filter: /.*/, namespace: 'kvrel-stub' }, () => ({ contents: 'module.exports = undefined;', loader: 'js' }));
  },
};

/** Bundles the launcher unless none of its sources changed since the last time (stateFile). */
export async function bundleLauncher(outfile: string, target: string, stateFile: string): Promise<void> {
  const key = stateKey('launcher', outfile, target);
  if (reusableResult<true>(stateFile, key)) return;
  try {
    const result = await build({
      entryPoints: [kvrelPackageFile('src', 'launcher', 'launcher-entry.ts')],
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
      plugins: [stubMsgpackrExtract],
      metafile: true,
    });
    saveResult(stateFile, key, Object.keys(result.metafile.inputs).map((input) => resolve(input)), [outfile], true);
  } catch (error) {
    throw new UserError('KVREL_BUNDLE_FAILED', `could not bundle the release launcher: ${firstEsbuildError(error)}`);
  }
}
