import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { evalBindings, parseEvalArguments } from './eval-arguments.js';

describe('parseEvalArguments', () => {
  it('takes the expression, then the extra arguments as argv', () => {
    expect(parseEvalArguments(['argv.length', 'a', 'b c'])).toEqual({ expression: 'argv.length', argv: ['a', 'b c'], stdin: false });
    expect(parseEvalArguments(['--stdin', 'input', 'x'])).toEqual({ expression: 'input', argv: ['x'], stdin: true });
    expect(parseEvalArguments([])).toEqual({ expression: '', argv: [], stdin: false });
    // --stdin counts only before the expression; after it, it is an argument like any other.
    expect(parseEvalArguments(['argv', '--stdin'])).toEqual({ expression: 'argv', argv: ['--stdin'], stdin: false });
  });
});

describe('evalBindings', () => {
  it('reads standard input into input, less one trailing newline, only with --stdin', async () => {
    expect(await evalBindings(parseEvalArguments(['input', 'a']), Readable.from([]))).toEqual({ argv: ['a'] });
    expect(await evalBindings(parseEvalArguments(['--stdin', 'input']), Readable.from([Buffer.from('s3cr'), Buffer.from('et\n')]))).toEqual({ argv: [], input: 's3cret' });
    expect(await evalBindings(parseEvalArguments(['--stdin', 'input']), Readable.from([Buffer.from('two\nlines\r\n\n')]))).toEqual({ argv: [], input: 'two\nlines\r\n' });
  });
});
