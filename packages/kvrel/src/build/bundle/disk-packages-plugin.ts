/**
 * esbuild plugin: imports of a package that stays on disk (stays-on-disk.ts) are left as imports of
 * its files. In a release they point into lib/ (the package is copied there with the same path it has
 * under the project root, so nested versions resolve as they did); under `kvrel run` they point at the
 * project's own node_modules.
 */
import { join, relative, sep } from 'node:path';
import type { Plugin } from 'esbuild';
import { packageOf, type PackageLocation } from './package-of.js';
import type { DiskPackageScanner } from './stays-on-disk.js';
import { importSpecifier } from './import-specifier.js';

export interface DiskPackage extends PackageLocation {
  readonly reason: string;
}

export interface DiskPackagesPluginOptions {
  readonly root: string;
  readonly scanner: DiskPackageScanner;
  /** 'copy': rewrite to paths into `libDir` (where lib/ mirrors the project); 'in-place': absolute paths. */
  readonly mode: 'copy' | 'in-place';
  readonly libDir: string;
  /** The folder of the file being bundled (lib/, or the folder of a script bundled to its place under lib/). */
  readonly bundleDir: string;
  /** Filled with every package kept on disk, by folder. */
  readonly found: Map<string, DiskPackage>;
  /** Packages to keep on disk, by name, with the reason (a release's `external`, files that locate themselves). */
  readonly forced: ReadonlyMap<string, string>;
}

const RESOLVING = Symbol('kvrel-disk-packages');

/** Where a file of the project lands under lib/: its path from the project root (outside it: node_modules/<name>/...). */
export function pathInLib(root: string, file: string, pkg: PackageLocation): string {
  const fromRoot = relative(root, file);
  if (!fromRoot.startsWith('..')) return fromRoot;
  return ['node_modules', ...pkg.name.split('/'), relative(pkg.dir, file)].join(sep);
}

export function diskPackagesPlugin(options: DiskPackagesPluginOptions): Plugin {
  return {
    name: 'kvrel-disk-packages',
    setup(build) {
      build.onResolve({ filter: /.*/ }, async (args) => {
        if (args.pluginData === RESOLVING || args.kind === 'entry-point' || args.namespace !== 'file') return undefined;
        if (args.path.startsWith('node:')) return undefined;
        const result = await build.resolve(args.path, { kind: args.kind, resolveDir: args.resolveDir, importer: args.importer, pluginData: RESOLVING });
        if (result.errors.length > 0 || result.external || result.namespace !== 'file') return undefined;
        const pkg = packageOf(result.path);
        const resolved = { path: result.path, namespace: result.namespace, sideEffects: result.sideEffects, pluginData: result.pluginData as unknown };
        if (!pkg) return resolved;
        if (!options.found.has(pkg.dir)) {
          if (options.scanner.isAlwaysBundled(pkg.name)) return resolved;
          const forced = options.forced.get(pkg.name);
          const addon = forced === undefined ? options.scanner.nativeAddon(pkg.dir) : undefined;
          const reason = forced ?? (addon === undefined ? undefined : `native addon ${addon}`);
          if (reason === undefined) return resolved;
          options.found.set(pkg.dir, { ...pkg, reason });
        }
        if (options.mode === 'in-place') return { path: result.path, external: true };
        return { path: importSpecifier(options.bundleDir, join(options.libDir, pathInLib(options.root, result.path, pkg))), external: true };
      });
    },
  };
}
