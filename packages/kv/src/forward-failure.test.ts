import { describe, expect, it } from 'vitest';
import { describeForwardFailure } from './forward-failure.js';

/** An error shaped as the runtime's DistributionError: message, code, data. */
function distributionError(code: string, data: Record<string, unknown>, message = 'runtime wording'): Error {
  return Object.assign(new Error(message), { code, data: { code, ...data } });
}

describe('describeForwardFailure', () => {
  it('says the outcome is unknown when the request left and no reply came', () => {
    expect(describeForwardFailure('bar@127.0.0.1', distributionError('DIST_CALL_TIMEOUT', { timeoutMs: 5000 }))).toBe(
      'node "bar@127.0.0.1" did not reply within 5000 ms; the outcome is unknown',
    );
    expect(
      describeForwardFailure('bar@127.0.0.1', distributionError('DIST_NODE_WENT_AWAY', { reason: 'it did not answer for 60 s (kernel.netTicktime)' })),
    ).toBe('node "bar@127.0.0.1" went away before replying (it did not answer for 60 s (kernel.netTicktime)); the outcome is unknown');
    expect(describeForwardFailure('bar@127.0.0.1', distributionError('DIST_NODE_WENT_AWAY', {}))).toBe(
      'node "bar@127.0.0.1" went away before replying; the outcome is unknown',
    );
  });

  it('keeps the runtime message when the request was never sent', () => {
    const down = distributionError('DIST_NODE_DOWN', { reason: 'connection refused' }, 'node "bar@127.0.0.1" is not reachable (connection refused)');
    expect(describeForwardFailure('bar@127.0.0.1', down)).toBe('node "bar@127.0.0.1" is not reachable (connection refused)');
    expect(describeForwardFailure('bar@127.0.0.1', 'plain')).toBe('plain');
  });
});
