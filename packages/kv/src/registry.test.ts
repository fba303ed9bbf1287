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
