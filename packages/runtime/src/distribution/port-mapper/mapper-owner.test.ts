import { describe, expect, it } from 'vitest';
import { isLocalAddress, userName } from './mapper-owner.js';

describe('port mapper owner', () => {
  it('names a user as /etc/passwd does', async () => {
    expect(await userName(0)).toBe('user 0 (root)');
    expect(await userName(4_000_000_000)).toBe('user 4000000000');
    expect(await userName(0, '/nonexistent')).toBe('user 0');
  });

  it('checks only mappers of this host', () => {
    expect(isLocalAddress('127.0.0.1')).toBe(true);
    expect(isLocalAddress('::ffff:127.0.0.5')).toBe(true);
    expect(isLocalAddress('::1')).toBe(true);
    expect(isLocalAddress('192.0.2.77')).toBe(false); // TEST-NET-1: never this host's
    expect(isLocalAddress(undefined)).toBe(false);
  });
});
