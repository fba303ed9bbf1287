import { describe, expect, it } from 'vitest';
import { BUCKET_OVERHEAD_BYTES, KEY_OVERHEAD_BYTES } from './memory-budget.js';
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
    const bucket = new Registry().create('shopping')!;
    bucket.put('milk', '1');
    expect(bucket.get('milk')).toBe('1');
    expect(bucket.delete('milk')).toBe('1');
    expect(bucket.get('milk')).toBeUndefined();
  });

  it('forgets a bucket that goes away', () => {
    const registry = new Registry();
    const bucket = registry.create('shopping')!;
    bucket.put('milk', '1');
    bucket.stop();
    expect(registry.lookup('shopping')).toBeUndefined();
    expect(registry.create('shopping')!.get('milk')).toBeUndefined();
  });
});

describe('Registry totals', () => {
  it('counts keys and the bytes of keys and values across buckets, through overwrites and deletes', () => {
    const registry = new Registry();
    const shopping = registry.create('shopping')!;
    shopping.put('milk', '1');
    shopping.put('milk', '123');
    shopping.put('eggs', '12');
    registry.create('tools')!.put('saw', 'x');
    expect(registry.size).toBe(2);
    expect(registry.totals()).toEqual({ keys: 3, bytes: 4 + 3 + 4 + 2 + 3 + 1 });
    shopping.delete('milk');
    shopping.delete('absent');
    expect(registry.totals()).toEqual({ keys: 2, bytes: 4 + 2 + 3 + 1 });
    shopping.stop();
    expect(registry.totals()).toEqual({ keys: 1, bytes: 4 });
  });
});

describe('Registry memory (kv.maxMemoryBytes)', () => {
  const bucketCost = (name: string) => BUCKET_OVERHEAD_BYTES + name.length;

  it('charges each bucket and key its estimate, and gives it back on overwrite, delete and bucket removal', () => {
    const registry = new Registry();
    const shopping = registry.create('shopping')!;
    expect(registry.memory.usedBytes).toBe(bucketCost('shopping'));
    expect(shopping.put('milk', '1')).toBe(true);
    expect(registry.memory.usedBytes).toBe(bucketCost('shopping') + 4 + 1 + KEY_OVERHEAD_BYTES);
    shopping.put('milk', '12345');
    expect(registry.memory.usedBytes).toBe(bucketCost('shopping') + 4 + 5 + KEY_OVERHEAD_BYTES);
    shopping.put('eggs', '12');
    registry.create('shopping'); // already there: no second charge
    const tools = registry.create('tools')!;
    tools.put('saw', 'x');
    expect(registry.memory.usedBytes).toBe(bucketCost('shopping') + bucketCost('tools') + 4 + 5 + 4 + 2 + 3 + 1 + 3 * KEY_OVERHEAD_BYTES);
    shopping.delete('milk');
    shopping.delete('absent');
    expect(registry.memory.usedBytes).toBe(bucketCost('shopping') + bucketCost('tools') + 4 + 2 + 3 + 1 + 2 * KEY_OVERHEAD_BYTES);
    shopping.stop();
    expect(registry.memory.usedBytes).toBe(bucketCost('tools') + 3 + 1 + KEY_OVERHEAD_BYTES);
    registry.clear();
    expect(registry.memory.usedBytes).toBe(0);
  });

  it('refuses a write past maxMemoryBytes, changing nothing; shrinking writes and deletes still work, and free room again', () => {
    const max = bucketCost('b') + 2 * (1 + 10 + KEY_OVERHEAD_BYTES);
    const registry = new Registry({ maxMemoryBytes: max });
    const bucket = registry.create('b')!;
    expect(bucket.put('1', 'x'.repeat(10))).toBe(true);
    expect(bucket.put('2', 'x'.repeat(10))).toBe(true);
    expect(registry.memory.usedBytes).toBe(max);
    expect(bucket.put('3', 'x')).toBe(false);
    expect(bucket.put('2', 'x'.repeat(11))).toBe(false);
    expect(registry.create('c')).toBeUndefined();
    expect([bucket.get('2'), bucket.get('3'), bucket.size, registry.memory.usedBytes]).toEqual(['x'.repeat(10), undefined, 2, max]);
    expect(bucket.put('2', 'y')).toBe(true); // holds less: always allowed
    expect(bucket.put('2', 'y'.repeat(10))).toBe(true);
    expect(bucket.delete('1')).toBe('x'.repeat(10));
    expect(bucket.put('3', 'z'.repeat(10))).toBe(true);
    expect(registry.memory.usedBytes).toBe(max);
  });
});
