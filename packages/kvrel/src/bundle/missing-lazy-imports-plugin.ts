/**
 * esbuild plugin: a module that is not installed stays a run-time import, as it is under node, when
 * - a package loads it lazily, by `import()` or a `require()` call (an optional dependency such as
 *   @nestjs/common's class-validator, reached only when a validation pipe is used): under node it fails
 *   only if it is ever reached, and so it does in a release;
 * - it is listed in a release's `external`, installed or not.
 * The project's own code importing a missing package, and a package's static import of one, still
 * fail the build (esbuild's "Could not resolve").
 */
import type { Plugin } from 'esbuild';

export interface MissingLazyImportsOptions {
  /** A release's `external`: left as imports whether they resolve or not. */
  readonly external: readonly string[];
  /** Filled with each missing module left as a run-time import → the package that loads it lazily. */
  readonly leftMissing: Map<string, string>;
}

const RESOLVING = Symbol('kvrel-missing-lazy-imports');
const LAZY_KINDS = new Set(['dynamic-import', 'require-call', 'require-resolve']);

/** `@a/b/c` → `@a/b`, `a/c` → `a`; undefined for a relative or absolute path. */
export function packageNameOf(specifier: string): string | undefined {
  if (specifier.startsWith('.') || specifier.startsWith('/') || specifier.startsWith('node:')) return undefined;
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

export function missingLazyImportsPlugin(options: MissingLazyImportsOptions): Plugin {
  const external = new Set(options.external);
  return {
    name: 'kvrel-missing-lazy-imports',
    setup(build) {
      build.onResolve({ filter: /^[^./]/ }, async (args) => {
        // Another plugin's own resolve (disk-packages-plugin.ts) is answered as esbuild answers it.
        if (typeof args.pluginData === 'symbol' || args.namespace !== 'file') return undefined;
        const name = packageNameOf(args.path);
        if (name === undefined) return undefined;
        const listed = external.has(name);
        const lazyInPackage = LAZY_KINDS.has(args.kind) && args.importer.includes('/node_modules/');
        if (!listed && !lazyInPackage) return undefined;
        const result = await build.resolve(args.path, { kind: args.kind, resolveDir: args.resolveDir, importer: args.importer, pluginData: RESOLVING });
        if (result.errors.length === 0) return undefined;
        if (!listed) options.leftMissing.set(name, importerPackage(args.importer));
        return { path: args.path, external: true };
      });
    },
  };
}

function importerPackage(importer: string): string {
  const at = importer.lastIndexOf('/node_modules/');
  const rest = importer.slice(at + '/node_modules/'.length).split('/');
  return rest[0]!.startsWith('@') ? rest.slice(0, 2).join('/') : rest[0]!;
}
