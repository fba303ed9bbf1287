/**
 * esbuild plugin for ES module bundles: `import … from 'node:http'` becomes a require of the built-in.
 * Node gives an imported built-in an ES module facade that reads every export once, which runs the
 * lazy getters node:http and others keep (node:http's loads undici, ~80 ms of a node's boot on Node
 * 24 and 26); required, a built-in is the same object and its getters stay lazy. The bundle's require
 * is the banner's (module-location.ts) in an ES module bundle, CommonJS's own in a CommonJS one.
 */
import { builtinModules } from 'node:module';
import type { Plugin } from 'esbuild';

const NAMESPACE = 'kvrel-builtin';
const BARE_BUILTINS = new Set(builtinModules);

export const builtinsByRequirePlugin: Plugin = {
  name: 'kvrel-builtins-by-require',
  setup(build) {
    build.onResolve({ filter: /^[a-z_:/0-9]+$/ }, (args) => {
      if (args.kind !== 'import-statement' || !isBuiltin(args.path)) return undefined;
      return { path: args.path, namespace: NAMESPACE };
    });
    // A CommonJS module of one require: esbuild's interop reads its properties where they are used.
    build.onLoad({ filter: /.*/, namespace: NAMESPACE }, (args) => ({ contents: `module.exports = require(${JSON.stringify(args.path)});`, loader: 'js' }));
  },
};

/** `node:sqlite` and other prefix-only built-ins too (the host's Node may be older than the release's). */
function isBuiltin(specifier: string): boolean {
  return specifier.startsWith('node:') || BARE_BUILTINS.has(specifier);
}
