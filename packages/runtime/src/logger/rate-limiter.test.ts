import { describe, expect, it } from 'vitest';
import { RateLimiter } from './rate-limiter.js';

describe('RateLimiter', () => {
  it('lets the first line of a key through and counts the rest of its window', () => {
    const limiter = new RateLimiter<string>(1000);
    expect(limiter.admit('idle', 0, 'a')).toBe(true);
    expect(limiter.admit('idle', 10, 'b')).toBe(false);
    expect(limiter.admit('idle', 999, 'c')).toBe(false);
    expect(limiter.admit('line', 20, 'd')).toBe(true);
    expect(limiter.nextReportAt()).toBe(1000);
    expect(limiter.expired(999)).toEqual([]);
    expect(limiter.expired(1000)).toEqual([{ key: 'idle', count: 2, detail: 'a' }]);
    // Reported and forgotten: the next line goes through and opens a new window.
    expect(limiter.admit('idle', 1001, 'e')).toBe(true);
    expect(limiter.nextReportAt()).toBeUndefined();
  });

  it('lets a key through again once its window ended without repeats', () => {
    const limiter = new RateLimiter(1000);
    expect(limiter.admit('k', 0, undefined)).toBe(true);
    expect(limiter.admit('k', 1000, undefined)).toBe(true);
    expect(limiter.expired(5000)).toEqual([]);
  });

  it('keeps counting a window that ended until it is reported', () => {
    const limiter = new RateLimiter(1000);
    limiter.admit('k', 0, undefined);
    limiter.admit('k', 500, undefined);
    expect(limiter.admit('k', 1500, undefined)).toBe(false);
    expect(limiter.expired(1500)).toEqual([{ key: 'k', count: 2, detail: undefined }]);
  });

  it('tracks a bounded number of keys: past it, new keys go through untracked', () => {
    const limiter = new RateLimiter(1000, 2);
    expect(limiter.admit('a', 0, undefined)).toBe(true);
    expect(limiter.admit('b', 0, undefined)).toBe(true);
    expect(limiter.admit('c', 0, undefined)).toBe(true);
    expect(limiter.admit('c', 1, undefined)).toBe(true);
    // Empty windows that ended make room again.
    expect(limiter.admit('d', 1000, undefined)).toBe(true);
    expect(limiter.admit('d', 1001, undefined)).toBe(false);
  });
});
