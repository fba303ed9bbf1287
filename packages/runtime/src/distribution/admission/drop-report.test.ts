import { afterEach, describe, expect, it, vi } from 'vitest';
import { DropReport } from './drop-report.js';
import type { Logger } from '../../logger/logger.js';

function recorder(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const record = (message: string) => void lines.push(message);
  return { lines, debug: record, info: record, warning: record, error: record };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('DropReport', () => {
  it('logs the first of a kind at once and sums up the rest once per interval', () => {
    vi.useFakeTimers();
    const log = recorder();
    const report = new DropReport(log, 10_000);
    for (let i = 0; i < 2000; i++) report.note('it sent no name within 1000 ms', `refused connection ${i}`);
    report.note('cookie challenge failed', 'refused connection from "x@h": cookie challenge failed');
    expect(log.lines).toEqual(['refused connection 0', 'refused connection from "x@h": cookie challenge failed']);
    vi.advanceTimersByTime(10_000);
    expect(log.lines.slice(2)).toEqual(['... 1,999 more in the last 10 s: it sent no name within 1000 ms']);
    report.note('it sent no name within 1000 ms', 'refused connection again');
    expect(log.lines.at(-1)).toBe('refused connection again');
    expect(report.totals()).toEqual(new Map([['it sent no name within 1000 ms', 2001], ['cookie challenge failed', 1]]));
  });

  it('flushes what is unlogged when asked', () => {
    const log = recorder();
    const report = new DropReport(log, 60_000);
    report.note('k', 'first');
    report.note('k', 'second');
    report.flush();
    expect(log.lines).toEqual(['first', '... 1 more in the last 60 s: k']);
  });
});
