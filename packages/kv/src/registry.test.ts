import { describe, expect, it } from 'vitest';
import { Registry } from './registry.js';

describe('Registry and Bucket', () => {
  it('creates buckets idempotently and looks them up', () => {
    const registry = new Registry();
    expect(registry.lookup('shopping')).toBeUndefined();
    const bucket = registry.create('shopping');
    expect(registry.create('shopping')).toBe(bucket);
    expect(registry.lookup('shopping')).toBe(bucket);
  });

  it('stores, reads and deletes keys', () => {
    const bucket = new Registry().create('shopping');
    bucket.put('milk', '1');
    expect(bucket.get('milk')).toBe('1');
    expect(bucket.delete('milk')).toBe('1');
    expect(bucket.get('milk')).toBeUndefined();
  });

  it('forgets a bucket that goes away', () => {
    const registry = new Registry();
    const bucket = registry.create('shopping');
    bucket.put('milk', '1');
    bucket.stop();
    expect(registry.lookup('shopping')).toBeUndefined();
    expect(registry.create('shopping').get('milk')).toBeUndefined();
  });
});

describe('Registry totals', () => {
  it('counts keys and the bytes of keys and values across buckets, through overwrites and deletes', () => {
    const registry = new Registry();
    const shopping = registry.create('shopping');
    shopping.put('milk', '1');
    shopping.put('milk', '123');
    shopping.put('eggs', '12');
    registry.create('tools').put('saw', 'x');
    expect(registry.size).toBe(2);
    expect(registry.totals()).toEqual({ keys: 3, bytes: 4 + 3 + 4 + 2 + 3 + 1 });
    shopping.delete('milk');
    shopping.delete('absent');
    expect(registry.totals()).toEqual({ keys: 2, bytes: 4 + 2 + 3 + 1 });
    shopping.stop();
    expect(registry.totals()).toEqual({ keys: 1, bytes: 4 });
  });
});
