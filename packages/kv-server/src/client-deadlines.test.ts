import { describe, expect, it } from 'vitest';
import { ClientDeadlines, sweepIntervalMs } from './client-deadlines.js';

describe('ClientDeadlines', () => {
  it('passes the idle deadline after idleTimeoutMs without traffic, and traffic resets it', () => {
    const d = new ClientDeadlines({ idleTimeoutMs: 1000, lineTimeoutMs: 0 }, 0);
    expect(d.check(999, 0)).toBeUndefined();
    d.active = true;
    expect(d.check(1000, 0)).toBeUndefined();
    expect(d.check(1999, 0)).toBeUndefined();
    expect(d.check(2000, 0)).toBe('idle');
  });

  it('passes the line deadline when the same partial line waits lineTimeoutMs, even with traffic', () => {
    const d = new ClientDeadlines({ idleTimeoutMs: 0, lineTimeoutMs: 1000 }, 0);
    d.active = true;
    expect(d.check(100, 1)).toBeUndefined(); // first seen
    d.active = true;
    expect(d.check(1099, 1)).toBeUndefined();
    d.active = true;
    expect(d.check(1100, 1)).toBe('line');
  });

  it('starts over for each new partial line', () => {
    const d = new ClientDeadlines({ idleTimeoutMs: 0, lineTimeoutMs: 1000 }, 0);
    expect(d.check(0, 1)).toBeUndefined();
    expect(d.check(900, 2)).toBeUndefined();
    expect(d.check(1800, 0)).toBeUndefined();
    expect(d.check(1850, 3)).toBeUndefined();
    expect(d.check(2849, 3)).toBeUndefined();
    expect(d.check(2850, 3)).toBe('line');
  });

  it('never passes a deadline of 0', () => {
    const d = new ClientDeadlines({ idleTimeoutMs: 0, lineTimeoutMs: 0 }, 0);
    expect(d.check(0, 1)).toBeUndefined();
    expect(d.check(1e12, 1)).toBeUndefined();
  });
});

describe('sweepIntervalMs', () => {
  it('is a quarter of the shortest deadline, between 10 ms and 1 s', () => {
    expect(sweepIntervalMs({ idleTimeoutMs: 0, lineTimeoutMs: 30_000 })).toBe(1000);
    expect(sweepIntervalMs({ idleTimeoutMs: 0, lineTimeoutMs: 0 })).toBe(1000);
    expect(sweepIntervalMs({ idleTimeoutMs: 400, lineTimeoutMs: 30_000 })).toBe(100);
    expect(sweepIntervalMs({ idleTimeoutMs: 0, lineTimeoutMs: 1 })).toBe(10);
  });
});
