import { beforeEach, describe, expect, it } from 'vitest';
import { deleteEnv, fetchEnv, getEnv, loadEnv, putEnv, resetEnv } from './environment.js';

describe('application environment', () => {
  beforeEach(() => resetEnv());

  it('loads defaults and lets configuration override them key by key', () => {
    loadEnv('kv-server', { port: 4040, maxLineBytes: 10 }, { port: 4141 });
    expect(getEnv('kv-server', 'port')).toBe(4141);
    expect(getEnv('kv-server', 'maxLineBytes')).toBe(10);
  });

  it('getEnv returns the default for a missing key', () => {
    expect(getEnv('kv', 'nope', 'fallback')).toBe('fallback');
  });

  it('putEnv and deleteEnv change a key', () => {
    putEnv('kv', 'a', 1);
    expect(fetchEnv('kv', 'a')).toBe(1);
    deleteEnv('kv', 'a');
    expect(getEnv('kv', 'a')).toBeUndefined();
  });

  it('fetchEnv says which of the two causes it is', () => {
    loadEnv('kv', {}, {});
    expect(() => fetchEnv('kv', 'port')).toThrow(
      'could not fetch application environment "port" for application "kv" because configuration at "port" was not set',
    );
    expect(() => fetchEnv('ghost', 'port')).toThrow(
      'could not fetch application environment "port" for application "ghost" because the application was not loaded nor configured',
    );
  });
});
