/**
 * The names of the files inside a release folder, shared by the steps that write them and the
 * launcher that reads them (kept apart from the steps, so the launcher bundles none of the build code).
 */
/** releases/<vsn>/sys.config.json: build-time configuration. */
export const SYS_CONFIG_FILE = 'sys.config.json';
/** releases/<vsn>/runtime.cjs: config/runtime.ts compiled, evaluated at every boot. */
export const RUNTIME_CONFIG_FILE = 'runtime.cjs';
/** releases/<vsn>/manifest.json. */
export const MANIFEST_FILE = 'manifest.json';
/** releases/<vsn>/lib: the node's code and what it loads from disk. */
export const LIB_DIR = 'lib';
/**
 * releases/<vsn>/lib/node.mjs: the URL of the node's code (kvrel's node side, the runtime, the
 * applications), which the executable carries as its asset NODE_BUNDLE_ASSET (no file there).
 */
export const NODE_BUNDLE_FILE = 'node.mjs';
/** The executable's SEA asset holding the node's code, its source map inline. */
export const NODE_BUNDLE_ASSET = 'node.mjs';
/** releases/<vsn>/lib/.compile-cache: V8 code cache of node.mjs, filled by the build's probe. */
export const COMPILE_CACHE_DIR = '.compile-cache';
/** releases/<vsn>/priv/<app>: each application's priv/ folder. */
export const PRIV_DIR = 'priv';
/** releases/<vsn>/lib/import.cjs: `import()` from a file on disk (a SEA's main cannot import() on Node 20). */
export const IMPORT_SHIM_FILE = 'import.cjs';
