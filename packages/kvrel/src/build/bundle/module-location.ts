/**
 * Each module of the project sees its own original location once bundled, as under plain node:
 * `import.meta.url`, `import.meta.dirname`, `import.meta.filename`, `__dirname` and `__filename` name
 * the module's place under lib/ (its path from the project root), where the files beside it are copied
 * (beside-files.ts) and the scripts it names are bundled (referenced-scripts.ts). esbuild's `define`
 * turns each of them into a property of `__kvrel_here`; a project module declares its own
 * `__kvrel_here` on its first line, and bundled npm packages see the bundle's (declared by the banner).
 */
import type { Plugin } from 'esbuild';

export const HERE = '__kvrel_here';

/** The names node gives a module for its location, and what each becomes. */
export const LOCATION_DEFINE: Readonly<Record<string, string>> = {
  __dirname: `${HERE}.dirname`,
  __filename: `${HERE}.filename`,
  'import.meta.url': `${HERE}.url`,
  'import.meta.dirname': `${HERE}.dirname`,
  'import.meta.filename': `${HERE}.filename`,
};

export const USES_LOCATION = /\b__dirname\b|\b__filename\b|\bimport\.meta\b/;

export type BundleFormat = 'esm' | 'cjs';

/**
 * The bundle's own location and `__kvrelLocate(path)`, the location of a module by its path under lib/.
 * `libFromBundle` is lib/ relative to the bundle's folder ('.' for lib/node.mjs).
 */
export function locationBanner(format: BundleFormat, libFromBundle: string): string {
  const lib = JSON.stringify(libFromBundle);
  if (format === 'cjs') {
    return [
      `const { pathToFileURL: __kvrelPathToFileURL } = require('node:url');`,
      `const { dirname: __kvrelDirnameOf, join: __kvrelJoin } = require('node:path');`,
      `const ${HERE} = { url: __kvrelPathToFileURL(__filename).href, filename: __filename, dirname: __dirname };`,
      locateFunction(lib),
    ].join('\n');
  }
  return [
    "import { createRequire as __kvrelCreateRequire } from 'node:module';",
    "import { fileURLToPath as __kvrelFileURLToPath, pathToFileURL as __kvrelPathToFileURL } from 'node:url';",
    "import { dirname as __kvrelDirnameOf, join as __kvrelJoin } from 'node:path';",
    // ES module output has no require: CommonJS code inside the bundle gets one for the bundle's place.
    'const require = __kvrelCreateRequire(import.meta.url);',
    `const ${HERE} = { url: import.meta.url, filename: __kvrelFileURLToPath(import.meta.url), dirname: ` +
      `__kvrelDirnameOf(__kvrelFileURLToPath(import.meta.url)) };`,
    locateFunction(lib),
  ].join('\n');
}

function locateFunction(lib: string): string {
  return [
    `const __kvrelLib = __kvrelJoin(${HERE}.dirname, ${lib});`,
    'const __kvrelLocate = (path) => { const filename = __kvrelJoin(__kvrelLib, path); return { url: __kvrelPathToFileURL(filename).href, filename, ' +
      'dirname: __kvrelDirnameOf(filename) }; };',
  ].join('\n');
}

/** A shebang, then comments and a "use strict" directive: the declaration goes after them, so the directive still counts. */
const PROLOGUE = /^(?:#![^\n]*\n)?(?:\s*(?:\/\/[^\n]*\n|\/\*[\s\S]*?\*\/))*\s*(?:(['"])use strict\1;?)?/;

/**
 * The module's text with its own `__kvrel_here` declared where its code begins, on the same line (so
 * line numbers, and the source map, stay as they were). `pathInLib` uses / separators.
 */
export function withLocation(text: string, pathInLib: string): string {
  const at = PROLOGUE.exec(text)?.[0].length ?? 0;
  return `${text.slice(0, at)}const ${HERE} = __kvrelLocate(${JSON.stringify(pathInLib)});${text.slice(at)}`;
}

/**
 * Injected into every bundle: one reference to the bundle's own `__kvrel_here` from outside any
 * module, so esbuild reserves that name and renames each module's declaration instead of letting one
 * collide with the banner's (it would, in a bundle whose only modules are the project's).
 */
export const RESERVE_HERE = 'kvrel:reserve-here';

export const reserveHerePlugin: Plugin = {
  name: 'kvrel-reserve-here',
  setup(build) {
    build.onResolve({ filter: /^kvrel:reserve-here$/ }, () => ({ path: 'reserve-here', namespace: 'kvrel' }));
    build.onLoad({ filter: /.*/, namespace: 'kvrel' }, () => ({ contents: `${HERE};\n`, loader: 'js' }));
  },
};
