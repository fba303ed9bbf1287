/**
 * Configuration files (config/config.ts, config/<env>.ts, config/runtime.ts, --config files)
 * default-export `{ [app]: { [key]: value } }`, or a function, sync or async, that returns one.
 */
export type ConfigEnv = 'dev' | 'prod' | 'test' | (string & {});

export interface ConfigContext {
  /** dev, prod or test (KVREL_ENV overrides). */
  readonly env: ConfigEnv;
  /** The release being configured, at runtime in a release (undefined under `kvrel run`). */
  readonly release?: { readonly name: string; readonly version: string } | undefined;
  /** This node's name (`foo@127.0.0.1`; "nonode@nohost" without distribution). Known at boot only. */
  readonly node?: string | undefined;
}

export type AppConfig = Record<string, Record<string, unknown>>;
export type ConfigExport = AppConfig | ((context: ConfigContext) => AppConfig | Promise<AppConfig>);

export function defineConfig(config: AppConfig): AppConfig;
export function defineConfig(config: (context: ConfigContext) => AppConfig): (context: ConfigContext) => AppConfig;
export function defineConfig(config: (context: ConfigContext) => Promise<AppConfig>): (context: ConfigContext) => Promise<AppConfig>;
export function defineConfig(config: ConfigExport): ConfigExport {
  return config;
}
