/**
 * Runtime errors are data ({ code, ... }) turned into text by one function, as OTP's
 * Application.format_error does. Every code here is listed in docs/errors.md.
 */
import { CodedError } from './coded-error.js';

export type RuntimeErrorData =
  | { code: 'RUNTIME_ENV_NOT_SET'; app: string; key: string; loaded: boolean }
  | { code: 'RUNTIME_UNKNOWN_APPLICATION'; app: string }
  | { code: 'RUNTIME_DEPENDENCY_CYCLE'; cycle: readonly string[] }
  | { code: 'RUNTIME_MISSING_DEPENDENCY'; app: string; dependency: string }
  | { code: 'RUNTIME_BAD_START_MODE'; app: string; mode: unknown }
  | { code: 'RUNTIME_START_FAILED'; app: string; reason: string }
  | { code: 'RUNTIME_CONFIG_INVALID'; file: string; reason: string }
  | { code: 'RUNTIME_NO_PRIV_DIR'; app: string }
  | { code: 'RUNTIME_BOOT_CRASHED'; reason: string }
  | { code: 'RUNTIME_BAD_SETTING'; setting: string; expected: string; got: unknown }
  | { code: 'RUNTIME_METRICS_LISTEN_FAILED'; address: string; reason: string };

export type RuntimeErrorCode = RuntimeErrorData['code'];

/** One message per code: the catalog, and the list of codes docs/errors.md documents. */
const messages: { readonly [C in RuntimeErrorCode]: (error: Extract<RuntimeErrorData, { code: C }>) => string } = {
  RUNTIME_ENV_NOT_SET: (error) =>
    error.loaded
      ? `could not fetch application environment ${q(error.key)} for application ${q(error.app)} because configuration at ${q(error.key)} was not set`
      : `could not fetch application environment ${q(error.key)} for application ${q(error.app)} because the application was not loaded nor configured`,
  RUNTIME_UNKNOWN_APPLICATION: (error) => `unknown application ${q(error.app)}`,
  RUNTIME_DEPENDENCY_CYCLE: (error) => `applications depend on each other in a cycle: ${error.cycle.join(' → ')}`,
  RUNTIME_MISSING_DEPENDENCY: (error) => `application ${q(error.app)} depends on ${q(error.dependency)}, which is not available`,
  RUNTIME_BAD_START_MODE: (error) => `start mode ${JSON.stringify(error.mode)} for ${q(error.app)} must be one of permanent, transient, temporary, load, none`,
  RUNTIME_START_FAILED: (error) => startFailedMessage(error.app, error.reason),
  RUNTIME_CONFIG_INVALID: (error) => `${error.file}: ${error.reason}`,
  RUNTIME_NO_PRIV_DIR: (error) => `application ${q(error.app)} has no priv folder in this node (it was loaded without kvrel's bundler)`,
  RUNTIME_BOOT_CRASHED: (error) =>
    `an error nothing handled was raised while the node booted (a worker, transport or promise an application's start set going): ${error.reason}`,
  RUNTIME_BAD_SETTING: (error) => `${error.setting} must be ${error.expected}, got ${JSON.stringify(error.got) ?? String(error.got)}`,
  RUNTIME_METRICS_LISTEN_FAILED: (error) =>
    `the metrics endpoint could not listen on ${error.address} (${error.reason}); change KVREL_METRICS_PORT or kernel.metricsPort`,
};

export const RUNTIME_ERROR_CODES = Object.keys(messages) as readonly RuntimeErrorCode[];

export function formatRuntimeError(error: RuntimeErrorData): string {
  return (messages[error.code] as (data: RuntimeErrorData) => string)(error);
}

/** An Error carrying runtime error data; its message is formatRuntimeError(data). */
export class RuntimeError extends CodedError<RuntimeErrorCode> {
  readonly data: RuntimeErrorData;
  constructor(data: RuntimeErrorData, options?: ErrorOptions) {
    super(data.code, formatRuntimeError(data), options);
    this.name = 'RuntimeError';
    this.data = data;
  }
}

/** The line of an application whose start failed, whatever the error's code. */
export function startFailedMessage(app: string, reason: string): string {
  return `application ${q(app)} failed to start: ${reason}`;
}

function q(s: string): string {
  return JSON.stringify(s);
}
