import { describe, expect, test } from 'vitest';
import { resolveSeaConfig, validateSeaConfigInput, type ExecArgvExtension } from './sea-config.js';

describe('resolveSeaConfig', () => {
  test('defaults to code cache, no snapshot, no warning, absolute paths', () => {
    expect(resolveSeaConfig({ bundleFile: '/b/app.cjs', blobFile: '/t/sea.blob' })).toEqual({
      main: '/b/app.cjs',
      output: '/t/sea.blob',
      disableExperimentalSEAWarning: true,
      useCodeCache: true,
      useSnapshot: false,
    });
  });

  test('passes execArgv, execArgvExtension and assets through, resolving asset paths', () => {
    const config = resolveSeaConfig({
      bundleFile: 'app.cjs',
      blobFile: '/t/sea.blob',
      execArgv: ['--max-old-space-size=100'],
      execArgvExtension: 'cli',
      assets: { 'vm.args': 'rel/vm.args' },
    });
    expect(config.main).toBe(`${process.cwd()}/app.cjs`);
    expect(config.execArgv).toEqual(['--max-old-space-size=100']);
    expect(config.execArgvExtension).toBe('cli');
    expect(config.assets).toEqual({ 'vm.args': `${process.cwd()}/rel/vm.args` });
  });

  test('drops the code cache when a snapshot is asked for', () => {
    const config = resolveSeaConfig({ bundleFile: '/a', blobFile: '/b', useSnapshot: true, useCodeCache: true });
    expect(config).toMatchObject({ useSnapshot: true, useCodeCache: false });
  });
});

describe('validateSeaConfigInput', () => {
  test('rejects an unknown execArgvExtension by value', () => {
    const execArgvExtension = 'argv' as ExecArgvExtension;
    expect(() => validateSeaConfigInput({ bundleFile: '/a', blobFile: '/b', execArgvExtension })).toThrow(
      'execArgvExtension must be one of "none", "env", "cli", got "argv"',
    );
  });

  test('rejects execArgv that is not an array of strings', () => {
    const execArgv = ['--x', 3] as unknown as string[];
    expect(() => validateSeaConfigInput({ bundleFile: '/a', blobFile: '/b', execArgv })).toThrow('execArgv must be an array of strings, got ["--x",3]');
  });
});
