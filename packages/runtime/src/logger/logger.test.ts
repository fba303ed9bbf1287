import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createLogger, resetLogRateLimit, setLogSink } from './logger.js';

let lines: string[];
let restore: (line: string) => void;
beforeEach(() => {
  lines = [];
  restore = setLogSink((line) => lines.push(line));
  resetLogRateLimit(1000);
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
  setLogSink(restore);
  resetLogRateLimit();
});

const text = () => lines.map((l) => l.replace(/^\S+ /, '')).join('');

describe('logger rate limit', () => {
  it('writes a repeated warning once per window, then one "suppressed N" line', () => {
    const log = createLogger('dist');
    for (let i = 0; i < 50; i++) log.warning('refused a connection from 127.0.0.1: cookie challenge failed');
    log.warning('another warning');
    expect(text()).toBe('[warning] dist: refused a connection from 127.0.0.1: cookie challenge failed\n[warning] dist: another warning\n');
    vi.advanceTimersByTime(1000);
    expect(text()).toContain('[warning] dist: suppressed 49 more "refused a connection from 127.0.0.1: cookie challenge failed" lines in the last 1 s\n');
    log.warning('refused a connection from 127.0.0.1: cookie challenge failed');
    expect(lines).toHaveLength(4);
  });

  it('never limits info and debug lines', () => {
    const log = createLogger('');
    for (let i = 0; i < 3; i++) log.info('same');
    expect(lines).toHaveLength(3);
  });

  it('limits lines by the key given, whatever their text', () => {
    const log = createLogger('kv-server');
    log.limited('warning', 'idle timeout', 'closed client 127.0.0.1:1: idle');
    log.limited('warning', 'idle timeout', 'closed client 127.0.0.1:2: idle');
    log.limited('warning', 'line timeout', 'closed client 127.0.0.1:3: partial line');
    expect(text()).toBe('[warning] kv-server: closed client 127.0.0.1:1: idle\n[warning] kv-server: closed client 127.0.0.1:3: partial line\n');
    vi.advanceTimersByTime(1000);
    expect(text()).toContain('[warning] kv-server: suppressed 1 more "idle timeout" lines in the last 1 s\n');
  });

  it('loses the line, without throwing, when the sink throws', () => {
    setLogSink(() => {
      throw Object.assign(new Error('no space left on device'), { code: 'ENOSPC' });
    });
    expect(() => createLogger('x').error('boom')).not.toThrow();
  });
});
