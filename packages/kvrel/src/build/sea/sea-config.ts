import { resolve } from 'node:path';

/** How run-time Node flags may extend the baked `execArgv` (Node ≥ 24.7; see node24-sea-facts.md §2). */
export type ExecArgvExtension = 'none' | 'env' | 'cli';

export const EXEC_ARGV_EXTENSIONS: readonly ExecArgvExtension[] = ['none', 'env', 'cli'];

/**
 * sea-config.json as Node reads it: `node --experimental-sea-config` writes the blob to `output`;
 * `node --build-sea` (25.5+) writes the executable to `output`, made from the base named by `executable`.
 */
export interface SeaConfig {
  main: string;
  output: string;
  executable?: string;
  disableExperimentalSEAWarning: true;
  useCodeCache: boolean;
  useSnapshot: boolean;
  execArgv?: string[];
  execArgvExtension?: ExecArgvExtension;
  assets?: Record<string, string>;
}

export interface SeaConfigInput {
  bundleFile: string;
  blobFile: string;
  useCodeCache?: boolean;
  useSnapshot?: boolean;
  execArgv?: readonly string[];
  execArgvExtension?: ExecArgvExtension;
  assets?: Readonly<Record<string, string>>;
}

/**
 * The sea-config for one SEA, with absolute paths (Node resolves relative ones against its cwd). A
 * snapshot replaces the code cache, so `useCodeCache` is dropped when `useSnapshot` is on (Node would
 * warn that it ignores it).
 */
export function resolveSeaConfig(input: SeaConfigInput): SeaConfig {
  const useSnapshot = input.useSnapshot ?? false;
  const config: SeaConfig = {
    main: resolve(input.bundleFile),
    output: resolve(input.blobFile),
    disableExperimentalSEAWarning: true,
    useCodeCache: useSnapshot ? false : (input.useCodeCache ?? true),
    useSnapshot,
  };
  if (input.execArgv !== undefined) config.execArgv = [...input.execArgv];
  if (input.execArgvExtension !== undefined) config.execArgvExtension = input.execArgvExtension;
  if (input.assets !== undefined) {
    config.assets = Object.fromEntries(Object.entries(input.assets).map(([key, file]) => [key, resolve(file)]));
  }
  return config;
}

/** Option mistakes here are kvrel bugs (release config is validated at load time), so they throw TypeError. */
export function validateSeaConfigInput(input: SeaConfigInput): void {
  if (input.execArgv !== undefined) {
    if (!Array.isArray(input.execArgv) || input.execArgv.some((flag) => typeof flag !== 'string')) {
      throw new TypeError(`execArgv must be an array of strings, got ${JSON.stringify(input.execArgv)}`);
    }
  }
  const extension = input.execArgvExtension;
  if (extension !== undefined && !EXEC_ARGV_EXTENSIONS.includes(extension)) {
    throw new TypeError(`execArgvExtension must be one of "none", "env", "cli", got ${JSON.stringify(extension)}`);
  }
  for (const [key, file] of Object.entries(input.assets ?? {})) {
    if (typeof file !== 'string' || file === '') {
      throw new TypeError(`asset ${JSON.stringify(key)} must name a file, got ${JSON.stringify(file)}`);
    }
  }
}
