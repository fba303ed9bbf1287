import { afterEach, describe, expect, it, vi } from 'vitest';
import { TickWatch } from './tick-watch.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('TickWatch', () => {
  it('asks for ticks while the peer is silent and declares it down after netTicktime', () => {
    vi.useFakeTimers();
    let bytes = 0;
    let ticks = 0;
    let silent = false;
    const watch = new TickWatch({ netTicktimeMs: 4000, bytesReceived: () => bytes, sendTick: () => void ticks++, onSilent: () => void (silent = true) });
    vi.advanceTimersByTime(3000);
    expect({ ticks, silent }).toEqual({ ticks: 3, silent: false });
    bytes = 10; // an answer
    vi.advanceTimersByTime(1000);
    expect({ ticks, silent }).toEqual({ ticks: 3, silent: false });
    vi.advanceTimersByTime(3999);
    expect(silent).toBe(false);
    vi.advanceTimersByTime(1);
    expect({ ticks, silent }).toEqual({ ticks: 6, silent: true });
    watch.stop();
  });

  it('never declares down a peer that keeps sending', () => {
    vi.useFakeTimers();
    let bytes = 0;
    let silent = false;
    const watch = new TickWatch({ netTicktimeMs: 400, bytesReceived: () => (bytes += 1), sendTick: () => {}, onSilent: () => void (silent = true) });
    vi.advanceTimersByTime(10_000);
    expect(silent).toBe(false);
    watch.stop();
  });
});
