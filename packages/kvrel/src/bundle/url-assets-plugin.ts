/**
 * esbuild plugin: `new URL('./worker.js', import.meta.url)` in the project's own code (the way code
 * running under plain node points at a worker script or a file beside it) keeps working once bundled.
 * The file it names is emitted beside the bundle under assets/ (a script is bundled as its own ES
 * module entry; any other file is copied) and the URL is rewritten to it. As with TypeScript's NodeNext,
 * `./worker.js` finds `worker.ts` when only that exists.
 */
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { basename, dirname, extname, join, relative, resolve, sep } from 'node:path';
import type { Loader, Plugin } from 'esbuild';

export const ASSETS_DIR = 'assets';

export interface UrlAssetsPluginOptions {
  readonly libDir: string;
  /** The folder of the file being bundled (lib/, or lib/assets/ for a worker script). */
  readonly bundleDir: string;
  /** Bundles a script found this way into `outfile` (the same options as the node's bundle). */
  readonly bundleScript: (entry: string, outfile: string) => Promise<void>;
  /**
   * Files already emitted, by source path, shared by the node's bundle and every script bundled from
   * it: a worker that names itself (or a comment quoting its own URL) is emitted once, not forever.
   */
  readonly emitted: Map<string, string>;
}

const NEW_URL = /new\s+URL\(\s*(['"`])(\.{1,2}\/[^'"`$]+)\1\s*,\s*import\.meta\.url\s*\)/g;
const SCRIPT_EXTENSIONS = new Set(['.js', '.mjs', '.cjs', '.ts', '.mts', '.cts', '.tsx', '.jsx']);
const LOADERS: Record<string, Loader> = { '.ts': 'ts', '.mts': 'ts', '.cts': 'ts', '.tsx': 'tsx', '.jsx': 'jsx', '.js': 'js', '.mjs': 'js', '.cjs': 'js' };
/** `./x.js` may name x.ts (TypeScript's NodeNext convention). */
const SOURCE_FOR: Record<string, readonly string[]> = { '.js': ['.ts', '.tsx'], '.mjs': ['.mts'], '.cjs': ['.cts'] };

export function resolveUrlTarget(fromDir: string, relativeUrl: string): string | undefined {
  const direct = resolve(fromDir, decodeURI(relativeUrl));
  if (existsSync(direct)) return direct;
  const ext = extname(direct);
  for (const candidate of SOURCE_FOR[ext] ?? []) {
    const source = direct.slice(0, -ext.length) + candidate;
    if (existsSync(source)) return source;
  }
  return undefined;
}

export function urlAssetsPlugin(options: UrlAssetsPluginOptions): Plugin {
  return {
    name: 'kvrel-url-assets',
    setup(build) {
      build.onLoad({ filter: /\.[cm]?[jt]sx?$/ }, async (args) => {
        if (args.path.includes('/node_modules/')) return undefined;
        const contents = await rewriteAssetUrls(args.path, readFileSync(args.path, 'utf8'), options);
        if (contents === undefined) return undefined;
        return { contents, loader: LOADERS[extname(args.path)] ?? 'js', resolveDir: dirname(args.path) };
      });
    },
  };
}

/**
 * The source of the project's file `path` with its `new URL(..., import.meta.url)` pointed at the
 * emitted files, or undefined when it has none (also used by decorator-metadata-plugin.ts).
 */
export async function rewriteAssetUrls(path: string, text: string, options: UrlAssetsPluginOptions): Promise<string | undefined> {
  const emitted = options.emitted;
  if (!text.includes('import.meta.url')) return undefined;
  const replacements: Array<[string, string]> = [];
  for (const match of text.matchAll(NEW_URL)) {
    const target = resolveUrlTarget(dirname(path), match[2]!);
    if (!target) continue; // left alone: the file is not there at build time either
    let asset = emitted.get(target);
    if (!asset) {
      const hash = createHash('sha256').update(target).digest('hex').slice(0, 8);
      const ext = extname(target);
      const script = SCRIPT_EXTENSIONS.has(ext);
      asset = `${ASSETS_DIR}/${basename(target, ext)}-${hash}${script ? '.mjs' : ext}`;
      emitted.set(target, asset);
      mkdirSync(join(options.libDir, ASSETS_DIR), { recursive: true });
      if (script) await options.bundleScript(target, join(options.libDir, asset));
      else copyFileSync(target, join(options.libDir, asset));
    }
    const url = relative(options.bundleDir, join(options.libDir, asset)).split(sep).join('/');
    replacements.push([match[0], `new URL(${JSON.stringify(url.startsWith('.') ? url : `./${url}`)}, import.meta.url)`]);
  }
  if (replacements.length === 0) return undefined;
  let contents = text;
  for (const [from, to] of replacements) contents = contents.split(from).join(to);
  return contents;
}
