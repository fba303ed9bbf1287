/**
 * esbuild plugin for the project's own modules (not npm packages): each one keeps its own location
 * (module-location.ts), the folder it lives in is noted so its files ship beside it (beside-files.ts),
 * and each script it names relative to itself (`new URL('./worker.js', import.meta.url)`,
 * `path.join(__dirname, 'child.js')`) is bundled on its own to the very place it names under lib/,
 * in the module format node will give it there: workers, `child_process.fork` and `cluster` targets
 * run as under plain node. As with TypeScript's NodeNext, `./worker.js` is built from `worker.ts`.
 * A file whose tsconfig asks for decorator metadata is compiled by TypeScript first (decorator-metadata.ts):
 * esbuild takes the first onLoad that returns contents, so this one plugin does both.
 */
import { readFileSync, statSync } from 'node:fs';
import { dirname, extname, join, relative } from 'node:path';
import type { Loader, Plugin } from 'esbuild';
import { USES_LOCATION, withLocation, type BundleFormat } from './module-location.js';
import { besideFolderOf, formatAt, isProjectModule } from './project-folder.js';
import { referencedPaths, scriptSource } from './referenced-scripts.js';
import type { DecoratorMetadata } from './decorator-metadata.js';
import { slashedRelative } from './import-specifier.js';

export interface ProjectModulesPluginOptions {
  readonly root: string;
  readonly libDir: string;
  /** Bundles a script into `outfile` with the node bundle's options, in the given format. */
  readonly bundleScript: (entry: string, outfile: string, format: BundleFormat) => Promise<void>;
  /**
   * Scripts already emitted (by output path), shared by the node's bundle and every script bundled
   * from it: a worker that names itself is emitted once, not forever.
   */
  readonly emitted: Set<string>;
  /** Filled with the folders whose files ship beside the code. */
  readonly besideFolders: Set<string>;
  /** TypeScript's decorator metadata for the files whose tsconfig asks for it. */
  readonly metadata: DecoratorMetadata;
}

const LOADERS: Readonly<Record<string, Loader>> = {
  '.ts': 'ts',
  '.mts': 'ts',
  '.cts': 'ts',
  '.tsx': 'tsx',
  '.jsx': 'jsx',
  '.js': 'js',
  '.mjs': 'js',
  '.cjs': 'js',
};

export function projectModulesPlugin(options: ProjectModulesPluginOptions): Plugin {
  return {
    name: 'kvrel-project-modules',
    setup(build) {
      build.onLoad({ filter: /\.[cm]?[jt]sx?$/ }, async (args) => {
        if (!isProjectModule(options.root, args.path)) return undefined;
        const text = readFileSync(args.path, 'utf8');
        const locates = USES_LOCATION.test(text);
        // TypeScript emits decorator metadata (esbuild does not); the module's location goes on its output.
        const decorated = options.metadata.transform(args.path, text);
        if (!locates && decorated === undefined) return undefined;
        const code = decorated ?? text;
        const loader = decorated !== undefined ? 'js' : (LOADERS[extname(args.path)] ?? 'js');
        if (!locates) return { contents: code, loader, resolveDir: dirname(args.path) };
        const folder = besideFolderOf(options.root, args.path);
        if (folder) options.besideFolders.add(folder);
        for (const path of referencedPaths(dirname(args.path), text)) await emitScript(path, options);
        const pathInLib = slashedRelative(options.root, args.path);
        return { contents: withLocation(code, pathInLib), loader, resolveDir: dirname(args.path) };
      });
    },
  };
}

/** A referenced script is bundled to its place under lib/; a referenced folder or file outside the beside-folders is shipped too. */
async function emitScript(path: string, options: ProjectModulesPluginOptions): Promise<void> {
  if (relative(options.root, path).startsWith('..')) return;
  const source = scriptSource(path);
  if (!source) {
    const folder = isDirectory(path) ? path : isDirectoryOrFile(path) ? dirname(path) : undefined;
    if (folder && folder !== options.root) options.besideFolders.add(folder);
    return;
  }
  const outfile = join(options.libDir, relative(options.root, path));
  if (options.emitted.has(outfile)) return;
  options.emitted.add(outfile);
  options.emitted.add(`${outfile}.map`);
  await options.bundleScript(source, outfile, formatAt(options.root, path));
}

function isDirectoryOrFile(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch {
    return false;
  }
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
