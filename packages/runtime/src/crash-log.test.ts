import { afterEach, describe, expect, it } from 'vitest';
import { logUnhandled } from './crash-log.js';
import { setLogSink } from './logger/logger.js';

let restore: ((line: string) => void) | undefined;
afterEach(() => {
  if (restore) setLogSink(restore);
});

describe('logUnhandled', () => {
  it('logs the stack of what nothing handled', () => {
    const lines: string[] = [];
    restore = setLogSink((line) => lines.push(line));
    logUnhandled('uncaught exception', new Error('boom in a timer'));
    expect(lines.join('')).toMatch(/\[error\] uncaught exception \(the node keeps running\): Error: boom in a timer\n\s+at /);
  });

  it('does not throw when its sink fails or the error cannot be printed', () => {
    restore = setLogSink(() => {
      throw Object.assign(new Error('no space left on device, write'), { code: 'ENOSPC' });
    });
    expect(() => logUnhandled('uncaught exception', new Error('x'))).not.toThrow();
    const hostile = {
      toString: () => {
        throw new Error('no');
      },
    };
    expect(() => logUnhandled('unhandled promise rejection', hostile)).not.toThrow();
  });
});
