/**
 * Bundles a node with esbuild: an entry source (rendered by the caller) with the applications it
 * imports, into one CommonJS file with only Node built-ins left to require, as a SEA needs.
 */
import { build, type Metafile, type Plugin } from 'esbuild';
import { UserError } from '../user-error.js';
import { firstEsbuildError } from '../config/load-config-file.js';

export interface BundleNodeCodeOptions {
  readonly root: string;
  readonly entrySource: string;
  readonly outfile: string;
  readonly target: string;
  readonly minify?: boolean;
  /** Compile-time constants (esbuild define). */
  readonly define?: Record<string, string>;
}

/**
 * Optional native add-ons a dependency tries to load and falls back from (msgpackr's
 * msgpackr-extract): a SEA can load no add-on from its bundle, so they become empty modules.
 */
const OPTIONAL_NATIVE_MODULES = /^msgpackr-extract$/;

const stubOptionalNativeModules: Plugin = {
  name: 'kvrel-stub-optional-native-modules',
  setup(build) {
    build.onResolve({ filter: OPTIONAL_NATIVE_MODULES }, (args) => ({ path: args.path, namespace: 'kvrel-stub' }));
    build.onLoad({ filter: /.*/, namespace: 'kvrel-stub' }, () => ({ contents: 'module.exports = undefined;', loader: 'js' }));
  },
};

export async function bundleNodeCode(options: BundleNodeCodeOptions): Promise<Metafile> {
  try {
    const result = await build({
      stdin: { contents: options.entrySource, resolveDir: options.root, sourcefile: 'kvrel-node-entry.ts', loader: 'ts' },
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: options.target,
      outfile: options.outfile,
      minify: options.minify ?? false,
      keepNames: true,
      metafile: true,
      logLevel: 'silent',
      legalComments: 'none',
      define: options.define ?? {},
      // A SEA can require built-ins only: everything else must be inside the bundle.
      packages: 'bundle',
      plugins: [stubOptionalNativeModules],
    });
    return result.metafile;
  } catch (error) {
    throw new UserError('KVREL_BUNDLE_FAILED', `could not bundle the node: ${firstEsbuildError(error)}`);
  }
}
