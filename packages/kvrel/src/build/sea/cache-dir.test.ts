import { describe, expect, test } from 'vitest';
import { resolveCacheDir } from './cache-dir.js';

describe('resolveCacheDir', () => {
  test('prefers KVREL_CACHE_DIR, resolved to an absolute path', () => {
    expect(resolveCacheDir({ KVREL_CACHE_DIR: '/tmp/k', XDG_CACHE_HOME: '/x' }, '/home/u')).toBe('/tmp/k');
    expect(resolveCacheDir({ KVREL_CACHE_DIR: 'rel' }, '/home/u')).toBe(`${process.cwd()}/rel`);
  });

  test('uses $XDG_CACHE_HOME/kvrel when absolute', () => {
    expect(resolveCacheDir({ XDG_CACHE_HOME: '/var/cache/u' }, '/home/u')).toBe('/var/cache/u/kvrel');
  });

  test('ignores a relative XDG_CACHE_HOME and falls back to ~/.cache/kvrel', () => {
    expect(resolveCacheDir({ XDG_CACHE_HOME: 'cache' }, '/home/u')).toBe('/home/u/.cache/kvrel');
    expect(resolveCacheDir({}, '/home/u')).toBe('/home/u/.cache/kvrel');
  });
});
