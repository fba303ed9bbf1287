/**
 * esbuild plugin: a module that is not installed stays a run-time import, as it is under node, when
 * - a package loads it lazily, by `import()` or a `require()` call inside a function or a block (an
 *   optional dependency such as @nestjs/common's class-validator, reached only when a validation pipe
 *   is used): under node it fails only if it is ever reached, and so it does in a release;
 * - it is listed in a release's `external`, installed or not.
 * The project's own code importing a missing package, and a package's static import or top-level
 * `require()` of one, still fail the build (esbuild's "Could not resolve").
 */
import { readFileSync } from 'node:fs';
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
        if (!listed && loadedAtTopLevel(readFileSync(args.importer, 'utf8'), args.path)) return undefined;
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

/**
 * Whether `text` calls `require('specifier')` or `import('specifier')` outside any braces or arrow
 * function: when the module itself loads, not when a function or a guarded block runs. Strings, templates and comments
 * are skipped; a miss only means a build that fails later, at run time, as under node.
 */
export function loadedAtTopLevel(text: string, specifier: string): boolean {
  const calls = [`require('${specifier}')`, `require("${specifier}")`, `import('${specifier}')`, `import("${specifier}")`];
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '/' && text[i + 1] === '/') i = upTo(text, '\n', i);
    else if (c === '/' && text[i + 1] === '*') i = upTo(text, '*/', i + 2) + 1;
    else if (c === "'" || c === '"' || c === '`') i = closingQuote(text, i);
    else if (c === '{') depth++;
    else if (c === '}') depth = Math.max(0, depth - 1);
    else if (depth === 0 && (c === 'r' || c === 'i') && !/[\w$.]/.test(text[i - 1] ?? '') && calls.some((call) => text.startsWith(call, i))) {
      // An arrow function's body without braces: `() => require('x')`.
      if (!text.slice(0, i).trimEnd().endsWith('=>')) return true;
    }
  }
  return false;
}

/** Where `what` next starts in `text` from `from`; the end of the text when it never does. */
function upTo(text: string, what: string, from: number): number {
  const at = text.indexOf(what, from);
  return at < 0 ? text.length : at;
}

function closingQuote(text: string, from: number): number {
  const quote = text[from];
  for (let i = from + 1; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === quote) return i;
    else if (quote !== '`' && text[i] === '\n') return i;
  }
  return text.length;
}
