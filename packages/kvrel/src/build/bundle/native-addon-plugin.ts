/**
 * esbuild plugin: a `.node` addon required by the project's own code is copied to lib/addons/ and
 * required from there at run time (a SEA cannot load an addon from its blob). An npm package that
 * requires one is kept on disk whole (its loader looks for the addon beside its own code): it is
 * added to `onDisk` and the bundler runs again.
 */
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import type { Plugin } from 'esbuild';
import { packageOf } from './package-of.js';
import { importSpecifier } from './import-specifier.js';

export interface NativeAddonPluginOptions {
  readonly mode: 'copy' | 'in-place';
  readonly libDir: string;
  /** The folder of the file being bundled (lib/, or the folder of a script bundled to its place under lib/). */
  readonly bundleDir: string;
  /** Packages to keep on disk, by name, with the reason: this plugin adds those that require addons. */
  readonly onDisk: Map<string, string>;
}

export const ADDONS_DIR = 'addons';

export function nativeAddonPlugin(options: NativeAddonPluginOptions): Plugin {
  return {
    name: 'kvrel-native-addons',
    setup(build) {
      build.onResolve({ filter: /\.node$/ }, (args) => {
        const importer = packageOf(args.importer);
        if (importer) {
          if (!options.onDisk.has(importer.name)) options.onDisk.set(importer.name, `requires a native addon (${args.path})`);
          return { path: args.path, external: true };
        }
        const file = resolve(args.resolveDir, args.path);
        if (options.mode === 'in-place') return { path: file, external: true };
        const name = `${basename(file, '.node')}-${createHash('sha256').update(file).digest('hex').slice(0, 8)}.node`;
        mkdirSync(join(options.libDir, ADDONS_DIR), { recursive: true });
        copyFileSync(file, join(options.libDir, ADDONS_DIR, name));
        return { path: importSpecifier(options.bundleDir, join(options.libDir, ADDONS_DIR, name)), external: true };
      });
    },
  };
}
