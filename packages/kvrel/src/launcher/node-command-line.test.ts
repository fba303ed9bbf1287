import { describe, expect, it } from 'vitest';
import { parseNodeCommandLine } from './node-command-line.js';

describe('parseNodeCommandLine', () => {
  it('finds the script after node options, the rest are its arguments', () => {
    expect(parseNodeCommandLine(['--max-old-space-size', '100', '--enable-source-maps', '/a/child.js', '--flag', 'x'])).toEqual({
      kind: 'script',
      script: '/a/child.js',
      args: ['--flag', 'x'],
      preload: [],
    });
  });

  it('keeps -r and --import preloads in order', () => {
    expect(parseNodeCommandLine(['-r', 'dotenv/config', '--import=./setup.mjs', 'app.js'])).toEqual({
      kind: 'script',
      script: 'app.js',
      args: [],
      preload: [
        { how: 'require', specifier: 'dotenv/config' },
        { how: 'import', specifier: './setup.mjs' },
      ],
    });
  });

  it('reads -e, -p and --version', () => {
    expect(parseNodeCommandLine(['-e', 'console.log(1)'])).toEqual({ kind: 'eval', code: 'console.log(1)', print: false, args: [], preload: [] });
    expect(parseNodeCommandLine(['-p', '1+1', 'a'])).toEqual({ kind: 'eval', code: '1+1', print: true, args: ['a'], preload: [] });
    expect(parseNodeCommandLine(['--version'])).toEqual({ kind: 'version' });
  });

  it('is not a node command line without a script', () => {
    expect(parseNodeCommandLine(['--enable-source-maps'])).toBeUndefined();
    expect(parseNodeCommandLine(['-'])).toBeUndefined();
    expect(parseNodeCommandLine([])).toBeUndefined();
  });
});
