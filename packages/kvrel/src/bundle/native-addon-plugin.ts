/**
 * esbuild plugin: a `.node` addon required by bundled code (not from a package kept on disk) is copied
 * to lib/addons/ and required from there at run time (a SEA cannot load an addon from its blob).
 */
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import type { Plugin } from 'esbuild';

export interface NativeAddonPluginOptions {
  readonly mode: 'copy' | 'in-place';
  readonly outDir: string;
}

export const ADDONS_DIR = 'addons';

export function nativeAddonPlugin(options: NativeAddonPluginOptions): Plugin {
  return {
    name: 'kvrel-native-addons',
    setup(build) {
      build.onResolve({ filter: /\.node$/ }, (args) => {
        const file = resolve(args.resolveDir, args.path);
        if (options.mode === 'in-place') return { path: file, external: true };
        const name = `${basename(file, '.node')}-${createHash('sha256').update(file).digest('hex').slice(0, 8)}.node`;
        mkdirSync(join(options.outDir, ADDONS_DIR), { recursive: true });
        copyFileSync(file, join(options.outDir, ADDONS_DIR, name));
        return { path: `./${ADDONS_DIR}/${name}`, external: true };
      });
    },
  };
}
