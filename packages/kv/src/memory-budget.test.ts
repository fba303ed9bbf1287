import { describe, expect, it } from 'vitest';
import { defaultMaxMemoryBytes, maxOldSpaceMiB, MemoryBudget, resolveMaxMemoryBytes } from './memory-budget.js';

const MiB = 1024 * 1024;

describe('MemoryBudget', () => {
  it('lets writes in up to the limit exactly; a write that holds less always fits', () => {
    const budget = new MemoryBudget(100);
    expect(budget.fits(100)).toBe(true);
    budget.add(60);
    expect([budget.fits(40), budget.fits(41), budget.fits(0), budget.fits(-5)]).toEqual([true, false, true, true]);
    budget.add(-60);
    expect(budget.usedBytes).toBe(0);
    expect(new MemoryBudget().fits(Number.MAX_SAFE_INTEGER)).toBe(true);
  });
});

describe('defaultMaxMemoryBytes', () => {
  it('is half of the heap limit V8 reports', () => {
    expect(defaultMaxMemoryBytes(4288 * MiB, [])).toBe(2144 * MiB);
  });

  it('halves --max-old-space-size rather than a heap limit that counts the young generation too', () => {
    // Node 24 with --max-old-space-size=96 reports a heap_size_limit of 288 MiB.
    expect(defaultMaxMemoryBytes(288 * MiB, ['--max-old-space-size=96'])).toBe(48 * MiB);
    expect(defaultMaxMemoryBytes(288 * MiB, ['--max_old_space_size', '96'])).toBe(48 * MiB);
    expect(defaultMaxMemoryBytes(704 * MiB, ['--max-old-space-size=96', '--max-old-space-size=512'])).toBe(256 * MiB);
  });

  it('reads the flag only in its own forms', () => {
    expect(maxOldSpaceMiB(['--max-old-space-size-x=5', '--inspect'])).toBeUndefined();
    expect(maxOldSpaceMiB(['--max-old-space-size=abc'])).toBeUndefined();
  });
});

describe('resolveMaxMemoryBytes', () => {
  it('takes a positive integer, or digits (an environment variable); absent is the default', () => {
    expect(resolveMaxMemoryBytes(1_000_000)).toBe(1_000_000);
    expect(resolveMaxMemoryBytes(' 4096 ')).toBe(4096);
    expect(resolveMaxMemoryBytes(undefined)).toBe(defaultMaxMemoryBytes());
  });

  it.each([0, -1, 1.5, 'lots', true, {}])('refuses %j with KV_BAD_MAX_MEMORY, naming the key', (value) => {
    expect(() => resolveMaxMemoryBytes(value)).toThrow(
      expect.objectContaining({
        code: 'KV_BAD_MAX_MEMORY',
        message: expect.stringContaining('kv.maxMemoryBytes must be a number of bytes of at least 1, got'),
      }),
    );
  });
});
