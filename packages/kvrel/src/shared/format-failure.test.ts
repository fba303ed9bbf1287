import { CodedError, RuntimeError } from '@kvrel/runtime/internal';
import { RemoteCallError } from '../../../runtime/src/distribution/errors.js';
import { describe, expect, it } from 'vitest';
import { failureReport } from './format-failure.js';

/** A CodedError as another bundle's copy of the runtime makes it: same brand, another class. */
class OtherCopyCodedError extends Error {
  readonly code = 'DIST_BAD_NAME';
  constructor(message: string) {
    super(message);
    Object.defineProperty(this, Symbol.for('kvrel.CodedError'), { value: true });
  }
}

describe('failureReport', () => {
  it('prints a coded error of any package as one line, whatever its code prefix', () => {
    expect(failureReport(new CodedError('KV_SERVER_BAD_SETTING', 'kv-server.port must be ...'), 'error: ', {})).toBe('error: kv-server.port must be ...\n');
    expect(failureReport(new RuntimeError({ code: 'RUNTIME_UNKNOWN_APPLICATION', app: 'x' }), 'ERROR: ', {})).toBe('ERROR: unknown application "x"\n');
    expect(failureReport(new OtherCopyCodedError('node name "a b" is not valid'), 'ERROR: ', {})).toBe('ERROR: node name "a b" is not valid\n');
  });

  it('adds the stack of a coded error with KVREL_DEBUG=1', () => {
    const error = new CodedError('KVREL_BAD_OPTION', 'bad');
    expect(failureReport(error, 'error: ', { KVREL_DEBUG: '1' })).toBe(`error: bad\n${error.stack}\n`);
  });

  it('reports anything else as a bug, with its stack', () => {
    const bug = new TypeError('x is not a function');
    expect(failureReport(bug, 'error: ', {})).toBe(`kvrel crashed, this is a bug:\n${bug.stack}\n`);
    // A system error carries a code but is no user error of ours.
    const system = Object.assign(new Error('ENOENT: no such file'), { code: 'ENOENT' });
    expect(failureReport(system, 'ERROR: ', {})).toContain('kvrel crashed, this is a bug:\nError: ENOENT');
  });

  it("prints the running node's own error (RemoteCallError) as one line", () => {
    const remote = new RemoteCallError('foo@127.0.0.1', 'system.restart failed: the node is stopping', undefined);
    expect(failureReport(remote, 'ERROR: ', {})).toBe('ERROR: system.restart failed: the node is stopping\n');
  });

  it('keeps the stack of a bug underneath a coded error', () => {
    const bug = new TypeError('x is not a function');
    const failure = new RuntimeError({ code: 'RUNTIME_START_FAILED', app: 'a', reason: bug.message }, { cause: bug });
    expect(failureReport(failure, 'error: ', {})).toBe(`error: application "a" failed to start: x is not a function\n${bug.stack}\n`);
  });
});
