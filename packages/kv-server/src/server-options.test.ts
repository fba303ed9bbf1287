import { describe, expect, it } from 'vitest';
import { resolveServerOptions, SERVER_ENV_DEFAULTS } from './server-options.js';
import type { Execute } from './run-command.js';

const execute: Execute = () => ({ status: 'ok' });
const envOf = (env: Record<string, unknown>) => (key: string, defaultValue: unknown) => (key in env ? env[key] : defaultValue);

describe('resolveServerOptions', () => {
  it('applies the defaults', () => {
    expect(resolveServerOptions(envOf({}), execute)).toEqual({ ...SERVER_ENV_DEFAULTS, host: undefined, execute });
  });

  it('takes the port as a number or as a string of digits (PORT from the environment)', () => {
    expect(resolveServerOptions(envOf({ port: 0 }), execute).port).toBe(0);
    expect(resolveServerOptions(envOf({ port: '4041' }), execute).port).toBe(4041);
    expect(resolveServerOptions(envOf({ host: '127.0.0.1' }), execute).host).toBe('127.0.0.1');
  });

  it('takes the limits of SPEC §10, 0 turning a deadline off', () => {
    const options = resolveServerOptions(envOf({ maxConnections: '5', lineTimeoutMs: 0, idleTimeoutMs: 60_000, maxBufferedBytes: 2_000_000 }), execute);
    expect(options).toMatchObject({ maxConnections: 5, lineTimeoutMs: 0, idleTimeoutMs: 60_000, maxBufferedBytes: 2_000_000 });
  });

  it('refuses limits out of range, naming the key', () => {
    expect(() => resolveServerOptions(envOf({ maxConnections: 0 }), execute)).toThrow('kv-server.maxConnections must be an integer of at least 1, got 0');
    expect(() => resolveServerOptions(envOf({ lineTimeoutMs: -1 }), execute)).toThrow('kv-server.lineTimeoutMs must be an integer of at least 0, got -1');
    expect(() => resolveServerOptions(envOf({ idleTimeoutMs: '30s' }), execute)).toThrow('kv-server.idleTimeoutMs must be an integer of at least 0, got "30s"');
    expect(() => resolveServerOptions(envOf({ maxBufferedBytes: 1.5 }), execute)).toThrow(
      'kv-server.maxBufferedBytes must be an integer of at least 1, got 1.5',
    );
    expect(() => resolveServerOptions(envOf({ maxBufferedBytes: 1000, maxLineBytes: 1000 }), execute)).toThrow(
      'kv-server.maxBufferedBytes (1000) must be more than kv-server.maxLineBytes (1000), or no client could send its longest line',
    );
  });

  it('names the key, the rule and the value it got', () => {
    expect(() => resolveServerOptions(envOf({ port: 'http' }), execute)).toThrow('kv-server.port must be an integer from 0 to 65535, got "http"');
    expect(() => resolveServerOptions(envOf({ port: 70000 }), execute)).toThrow('kv-server.port must be an integer from 0 to 65535, got 70000');
    expect(() => resolveServerOptions(envOf({ maxLineBytes: 0 }), execute)).toThrow('kv-server.maxLineBytes must be an integer of at least 1, got 0');
    expect(() => resolveServerOptions(envOf({ host: 4 }), execute)).toThrow('kv-server.host must be a host name or address such as "127.0.0.1", got 4');
    expect(() => resolveServerOptions(envOf({ maxPendingReplyBytes: 100, dropPendingReplyBytes: 10 }), execute)).toThrow(
      'kv-server.dropPendingReplyBytes (10) must not be less than kv-server.maxPendingReplyBytes (100)',
    );
  });
});
