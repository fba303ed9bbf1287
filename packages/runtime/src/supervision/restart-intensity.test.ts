import { describe, expect, it } from 'vitest';
import { addRestart } from './restart-intensity.js';

describe('addRestart', () => {
  it('allows 3 restarts in 5 seconds and gives up at the 4th', () => {
    let restarts: readonly number[] = [];
    for (const at of [0, 100, 200]) {
      const verdict = addRestart(restarts, at);
      expect(verdict.exceeded).toBe(false);
      restarts = verdict.restarts;
    }
    expect(addRestart(restarts, 300).exceeded).toBe(true);
  });

  it('forgets restarts older than the period', () => {
    const verdict = addRestart([0, 1000, 2000], 5500);
    expect(verdict.exceeded).toBe(false);
    expect(verdict.restarts).toEqual([1000, 2000, 5500]);
  });

  it('honours custom limits', () => {
    expect(addRestart([], 0, { intensity: 0, periodMs: 1000 }).exceeded).toBe(true);
    expect(addRestart([0], 10, { intensity: 1, periodMs: 5 }).exceeded).toBe(false);
  });
});
