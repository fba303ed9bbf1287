import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { evalBindings, parseEvalArguments, timeoutMsOf } from './eval-arguments.js';

describe('parseEvalArguments', () => {
  it('takes the expression, then the extra arguments as argv', () => {
    expect(parseEvalArguments(['argv.length', 'a', 'b c'])).toEqual({ expression: 'argv.length', argv: ['a', 'b c'], stdin: false });
    expect(parseEvalArguments(['--stdin', 'input', 'x'])).toEqual({ expression: 'input', argv: ['x'], stdin: true });
    expect(parseEvalArguments([])).toEqual({ expression: '', argv: [], stdin: false });
    // --stdin counts only before the expression; after it, it is an argument like any other.
    expect(parseEvalArguments(['argv', '--stdin'])).toEqual({ expression: 'argv', argv: ['--stdin'], stdin: false });
  });

  it('takes --timeout SECONDS before the expression, with or without --stdin, in any order', () => {
    expect(parseEvalArguments(['--timeout', '2', 'x'])).toEqual({ expression: 'x', argv: [], stdin: false, timeoutSeconds: 2 });
    expect(parseEvalArguments(['--stdin', '--timeout=0.5', 'input'])).toEqual({ expression: 'input', argv: [], stdin: true, timeoutSeconds: 0.5 });
    expect(parseEvalArguments(['--timeout', '0', '--stdin', 'x', '--timeout', '9'])).toEqual({
      expression: 'x',
      argv: ['--timeout', '9'],
      stdin: true,
      timeoutSeconds: 0,
    });
    expect(() => parseEvalArguments(['--timeout', 'soon', 'x'])).toThrow('--timeout expects a number of seconds from 0 (no limit) to 2147483, got "soon"');
    expect(() => parseEvalArguments(['--timeout'])).toThrow(/got ""/);
  });

  it('turns the timeout into milliseconds, the default when none is given, none for 0', () => {
    expect(timeoutMsOf(parseEvalArguments(['x']), 60)).toBe(60_000);
    expect(timeoutMsOf(parseEvalArguments(['--timeout', '1.5', 'x']), 60)).toBe(1500);
    expect(timeoutMsOf(parseEvalArguments(['--timeout', '0', 'x']), 60)).toBeUndefined();
    expect(timeoutMsOf(parseEvalArguments(['x']), undefined)).toBeUndefined();
  });
});

describe('evalBindings', () => {
  it('reads standard input into input, less one trailing newline, only with --stdin', async () => {
    expect(await evalBindings(parseEvalArguments(['input', 'a']), Readable.from([]))).toEqual({ argv: ['a'] });
    expect(await evalBindings(parseEvalArguments(['--stdin', 'input']), Readable.from([Buffer.from('s3cr'), Buffer.from('et\n')]))).toEqual({
      argv: [],
      input: 's3cret',
    });
    expect(await evalBindings(parseEvalArguments(['--stdin', 'input']), Readable.from([Buffer.from('two\nlines\r\n\n')]))).toEqual({
      argv: [],
      input: 'two\nlines\r\n',
    });
  });
});
