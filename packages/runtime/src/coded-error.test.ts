import { describe, expect, it } from 'vitest';
import { CodedError } from './coded-error.js';
import { DistributionError } from './distribution/errors.js';
import { RuntimeError } from './errors.js';

describe('CodedError', () => {
  it('is the one base of the runtime errors: a code, a one-line message, and the cause kept', () => {
    const cause = new TypeError('x is undefined');
    const runtime = new RuntimeError({ code: 'RUNTIME_START_FAILED', app: 'kv', reason: cause.message }, { cause });
    const distribution = new DistributionError({ code: 'DIST_NAME_IN_USE', name: 'foo' });
    for (const error of [runtime, distribution]) expect(error).toBeInstanceOf(CodedError);
    expect(runtime).toMatchObject({ name: 'RuntimeError', code: 'RUNTIME_START_FAILED', message: 'application "kv" failed to start: x is undefined', cause });
    expect(distribution).toMatchObject({ name: 'DistributionError', code: 'DIST_NAME_IN_USE' });
  });
});
