import { describe, expect, it } from 'vitest';
import { pollUntil, withDeadline } from './deadline.js';

const never = () => new Promise<never>(() => {});

describe('withDeadline', () => {
  it('settles as the work does when it is in time, leaving its signal unaborted', async () => {
    let signal: AbortSignal | undefined;
    const value = await withDeadline(
      1000,
      () => new Error('late'),
      async (s) => {
        signal = s;
        return 42;
      },
    );
    expect(value).toBe(42);
    expect(signal?.aborted).toBe(false);
    await expect(
      withDeadline(
        1000,
        () => new Error('late'),
        () => Promise.reject(new Error('own failure')),
      ),
    ).rejects.toThrow('own failure');
  });

  it('rejects with the timeout error once the deadline passes and aborts the work with it as reason', async () => {
    let signal: AbortSignal | undefined;
    const error = await withDeadline(
      10,
      () => new Error('took too long'),
      (s) => {
        signal = s;
        return never();
      },
    ).catch((e: unknown) => e);
    expect(error).toEqual(new Error('took too long'));
    expect(signal?.aborted).toBe(true);
    expect(signal?.reason).toBe(error);
  });

  it('sets no deadline for an infinite time', async () => {
    let release!: (value: string) => void;
    const work = new Promise<string>((resolve) => (release = resolve));
    const result = withDeadline(
      Infinity,
      () => new Error('late'),
      () => work,
    );
    release('done');
    expect(await result).toBe('done');
  });
});

describe('pollUntil', () => {
  it('calls again after each pause until the attempt returns a value', async () => {
    let calls = 0;
    const remaining: number[] = [];
    const value = await pollUntil(
      (ms) => {
        remaining.push(ms);
        return ++calls === 3 ? 'ready' : undefined;
      },
      { timeoutMs: 5000, intervalMs: 1, maxIntervalMs: 4 },
    );
    expect(value).toBe('ready');
    expect(calls).toBe(3);
    expect(remaining.every((ms) => ms > 0 && ms <= 5000)).toBe(true);
  });

  it('gives up with undefined when the next pause would pass the deadline', async () => {
    let calls = 0;
    expect(await pollUntil(() => void calls++, { timeoutMs: 20, intervalMs: 50 })).toBeUndefined();
    expect(calls).toBe(1);
  });

  it('stops at the first error the attempt throws', async () => {
    await expect(
      pollUntil(
        () => {
          throw new Error('fatal');
        },
        { timeoutMs: 1000, intervalMs: 1 },
      ),
    ).rejects.toThrow('fatal');
  });
});
