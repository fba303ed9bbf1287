/**
 * kv-server's environment → the listener's options, validated at the boundary (application start).
 * Each error names the key, what it must be, and what it got.
 */
import { CodedError } from '@kvrel/runtime';
import type { KvServerErrorCode } from './errors.js';
import { DEFAULT_CONNECTION_LIMITS } from './connection-limits.js';
import { DEFAULT_SERVER_LIMITS, type ServerOptions } from './server.js';
import type { Execute } from './run-command.js';

/** The application's env defaults (kv-server.host is absent: every interface). Limits: SPEC §10. */
export const SERVER_ENV_DEFAULTS = { port: 4040, ...DEFAULT_CONNECTION_LIMITS, ...DEFAULT_SERVER_LIMITS } as const;

export type ReadEnv = (key: string, defaultValue: unknown) => unknown;

export function resolveServerOptions(readEnv: ReadEnv, execute: Execute): ServerOptions {
  const port = integer(readEnv('port', SERVER_ENV_DEFAULTS.port), 'port', 0, 65535);
  const host = readEnv('host', undefined);
  if (host !== undefined && (typeof host !== 'string' || host.length === 0)) {
    throw badSetting(`kv-server.host must be a host name or address such as "127.0.0.1", got ${describe(host)}`);
  }
  const maxPendingReplyBytes = integer(readEnv('maxPendingReplyBytes', SERVER_ENV_DEFAULTS.maxPendingReplyBytes), 'maxPendingReplyBytes', 1);
  const dropPendingReplyBytes = integer(readEnv('dropPendingReplyBytes', SERVER_ENV_DEFAULTS.dropPendingReplyBytes), 'dropPendingReplyBytes', 1);
  if (dropPendingReplyBytes < maxPendingReplyBytes) {
    throw badSetting(
      `kv-server.dropPendingReplyBytes (${dropPendingReplyBytes}) must not be less than kv-server.maxPendingReplyBytes (${maxPendingReplyBytes})`,
    );
  }
  const maxLineBytes = integer(readEnv('maxLineBytes', SERVER_ENV_DEFAULTS.maxLineBytes), 'maxLineBytes', 1);
  const maxBufferedBytes = integer(readEnv('maxBufferedBytes', SERVER_ENV_DEFAULTS.maxBufferedBytes), 'maxBufferedBytes', 1);
  if (maxBufferedBytes <= maxLineBytes) {
    throw badSetting(
      `kv-server.maxBufferedBytes (${maxBufferedBytes}) must be more than kv-server.maxLineBytes (${maxLineBytes}), or no client could send its longest line`,
    );
  }
  return {
    port,
    host: host as string | undefined,
    maxLineBytes,
    maxPendingReplyBytes,
    dropPendingReplyBytes,
    maxConnections: integer(readEnv('maxConnections', SERVER_ENV_DEFAULTS.maxConnections), 'maxConnections', 1),
    lineTimeoutMs: integer(readEnv('lineTimeoutMs', SERVER_ENV_DEFAULTS.lineTimeoutMs), 'lineTimeoutMs', 0),
    idleTimeoutMs: integer(readEnv('idleTimeoutMs', SERVER_ENV_DEFAULTS.idleTimeoutMs), 'idleTimeoutMs', 0),
    maxBufferedBytes,
    execute,
  };
}

/** An integer in range; a string of digits (from process.env.PORT) is accepted too. */
function integer(value: unknown, key: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const n = typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value.trim()) : value;
  if (typeof n === 'number' && Number.isInteger(n) && n >= min && n <= max) return n;
  const range = max === Number.MAX_SAFE_INTEGER ? `an integer of at least ${min}` : `an integer from ${min} to ${max}`;
  throw badSetting(`kv-server.${key} must be ${range}, got ${describe(value)}`);
}

function badSetting(message: string): CodedError<KvServerErrorCode> {
  return new CodedError('KV_SERVER_BAD_SETTING', message);
}

function describe(value: unknown): string {
  return value === undefined ? 'undefined' : (JSON.stringify(value) ?? String(value));
}
