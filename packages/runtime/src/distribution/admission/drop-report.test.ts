import { afterEach, describe, expect, it, vi } from 'vitest';
import { DropReport } from './drop-report.js';
import { createLogger, resetLogRateLimit, setLogSink } from '../../logger/logger.js';

afterEach(() => {
  vi.useRealTimers();
  resetLogRateLimit();
});

describe('DropReport', () => {
  it('logs the first of a kind at once and the rest of the window as one line, and counts them all', () => {
    vi.useFakeTimers();
    resetLogRateLimit(10_000);
    const lines: string[] = [];
    const previous = setLogSink((line) => void lines.push(line.replace(/^\S+ /, '').trimEnd()));
    try {
      const report = new DropReport(createLogger('distribution'));
      for (let i = 0; i < 2000; i++) report.note('no name in time', `refused connection ${i}: it sent no name within 1000 ms`);
      report.note('cookie challenge failed', 'refused connection from "x@h": cookie challenge failed');
      vi.advanceTimersByTime(10_000);
      expect(lines).toEqual([
        '[warning] distribution: refused connection 0: it sent no name within 1000 ms',
        '[warning] distribution: refused connection from "x@h": cookie challenge failed',
        '[warning] distribution: suppressed 1999 more "no name in time" lines in the last 10 s',
      ]);
      expect(report.totals()).toEqual(
        new Map([
          ['no name in time', 2000],
          ['cookie challenge failed', 1],
        ]),
      );
    } finally {
      setLogSink(previous);
    }
  });

  it('hands every line to a logger without a rate limit of its own', () => {
    const lines: string[] = [];
    const record = (message: string) => void lines.push(message);
    const report = new DropReport({ debug: record, info: record, warning: record, error: record });
    report.note('k', 'first');
    report.note('k', 'second');
    expect(lines).toEqual(['first', 'second']);
  });
});
