/**
 * esbuild plugin: the project's files that need TypeScript's decorator metadata (decorator-metadata.ts)
 * are loaded as the JavaScript TypeScript emits for them. esbuild takes the first onLoad that returns
 * contents, so this plugin comes before url-assets-plugin.ts and applies its rewriting itself (to the
 * .ts source, before TypeScript compiles it); every other file falls through to the plugins after it.
 */
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Plugin } from 'esbuild';
import type { DecoratorMetadata } from './decorator-metadata.js';
import { rewriteAssetUrls, type UrlAssetsPluginOptions } from './url-assets-plugin.js';

export function decoratorMetadataPlugin(metadata: DecoratorMetadata, urlAssets: UrlAssetsPluginOptions): Plugin {
  return {
    name: 'kvrel-decorator-metadata',
    setup(build) {
      build.onLoad({ filter: /\.[cm]?tsx?$/ }, async (args) => {
        const text = readFileSync(args.path, 'utf8');
        if (!metadata.needs(args.path, text)) return undefined;
        const source = (await rewriteAssetUrls(args.path, text, urlAssets)) ?? text;
        return { contents: metadata.transform(args.path, source), loader: 'js', resolveDir: dirname(args.path) };
      });
    },
  };
}
