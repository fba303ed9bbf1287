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
