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
  | { code: 'RUNTIME_BOOT_CRASHED'; reason: string };

export type RuntimeErrorCode = RuntimeErrorData['code'];

export const RUNTIME_ERROR_CODES: readonly RuntimeErrorCode[] = [
  'RUNTIME_ENV_NOT_SET',
  'RUNTIME_UNKNOWN_APPLICATION',
  'RUNTIME_DEPENDENCY_CYCLE',
  'RUNTIME_MISSING_DEPENDENCY',
  'RUNTIME_BAD_START_MODE',
  'RUNTIME_START_FAILED',
  'RUNTIME_CONFIG_INVALID',
  'RUNTIME_NO_PRIV_DIR',
  'RUNTIME_BOOT_CRASHED',
];

export function formatRuntimeError(error: RuntimeErrorData): string {
  switch (error.code) {
    case 'RUNTIME_ENV_NOT_SET':
      return error.loaded
        ? `could not fetch application environment ${q(error.key)} for application ${q(error.app)} because configuration at ${q(error.key)} was not set`
        : `could not fetch application environment ${q(error.key)} for application ${q(error.app)} because the application was not loaded nor configured`;
    case 'RUNTIME_UNKNOWN_APPLICATION':
      return `unknown application ${q(error.app)}`;
    case 'RUNTIME_DEPENDENCY_CYCLE':
      return `applications depend on each other in a cycle: ${error.cycle.join(' → ')}`;
    case 'RUNTIME_MISSING_DEPENDENCY':
      return `application ${q(error.app)} depends on ${q(error.dependency)}, which is not available`;
    case 'RUNTIME_BAD_START_MODE':
      return `start mode ${JSON.stringify(error.mode)} for ${q(error.app)} must be one of permanent, transient, temporary, load, none`;
    case 'RUNTIME_START_FAILED':
      return startFailedMessage(error.app, error.reason);
    case 'RUNTIME_CONFIG_INVALID':
      return `${error.file}: ${error.reason}`;
    case 'RUNTIME_BOOT_CRASHED':
      return `an error nothing handled was raised while the node booted (a worker, transport or promise an application's start set going): ${error.reason}`;
    case 'RUNTIME_NO_PRIV_DIR':
      return `application ${q(error.app)} has no priv folder in this node (it was loaded without kvrel's bundler)`;
  }
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
