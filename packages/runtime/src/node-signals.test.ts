import { describe, expect, it } from 'vitest';
import { FATAL_SIGNALS, signalExitStatus } from './node-signals.js';

describe('node signals', () => {
  it('reports a death by signal as a shell does: 128 + its number', () => {
    expect(signalExitStatus('SIGQUIT')).toBe(131);
    expect(signalExitStatus('SIGUSR2')).toBe(140);
    expect(signalExitStatus('SIGALRM')).toBe(142);
  });

  it("leaves alone what Node ignores, what profilers and debuggers use, and the inspector's signal", () => {
    for (const signal of ['SIGPIPE', 'SIGXFSZ', 'SIGPROF', 'SIGTRAP', 'SIGUSR1', 'SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
      expect(FATAL_SIGNALS).not.toContain(signal);
    }
    expect(FATAL_SIGNALS).toEqual(expect.arrayContaining(['SIGQUIT', 'SIGUSR2', 'SIGALRM']));
  });
});
