/**
 * The user-error contract end to end (SPEC §4, README "Errors"): a setting a user got wrong ends
 * `kvrel run` and a release's `bin/foo start` with one line naming it, exit 1, no stack; KVREL_DEBUG=1
 * adds the stack, in the CLI, `kvrel run`'s node and the release's executable alike. A coded error of
 * any package (DIST_, RUNTIME_, not only KVREL_) is a user's mistake, not a crash.
 */
import { execa } from 'execa';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyRelease, removeReleaseCopies } from './helpers/releases.js';
import { kvrelBin, repoRoot } from './helpers/repo.js';
import { tempDirsForThisFile } from './helpers/temp-dirs.js';

const tempDir = tempDirsForThisFile('kvrel-error-reports');
afterAll(() => removeReleaseCopies());

const badSettings = [
  {
    config: { 'kv-server': { port: 'abc' } },
    line: 'application "kv-server" failed to start: kv-server.port must be an integer from 0 to 65535, got "abc"',
  },
  { config: { kernel: { metricsPort: 'x' } }, line: 'kernel.metricsPort must be a port number from 0 to 65535, got "x"' },
];

/** A stack's frames, as V8 prints them. */
const STACK_FRAME = /^\s+at /m;

describe('kvrel run --config with a setting the node cannot use', () => {
  const dir = tempDir('configs');
  const runWith = (config: object, env: Record<string, string> = {}) => {
    const file = join(dir, `${Object.keys(config)[0]}.ts`);
    writeFileSync(file, `export default ${JSON.stringify(config)};`);
    return execa(process.execPath, [kvrelBin, 'run', '--config', file], { cwd: repoRoot, reject: false, timeout: 60_000, env: { PORT: '0', ...env } });
  };

  for (const { config, line } of badSettings) {
    it(`prints one line for ${JSON.stringify(config)}, exit 1; KVREL_DEBUG=1 adds the stack`, async () => {
      const result = await runWith(config);
      expect([result.exitCode, result.stderr.trim()]).toEqual([1, `error: ${line}`]);
      const debug = await runWith(config, { KVREL_DEBUG: '1' });
      expect(debug.exitCode).toBe(1);
      expect(debug.stderr).toMatch(new RegExp(`^error: ${escape(line)}\\n.*Error: .*\\n${STACK_FRAME.source.slice(1)}`, 'm'));
    });
  }
});

describe('the kvrel CLI', () => {
  it('reports a coded runtime error that reaches it unwrapped in one line, not as a crash', async () => {
    const result = await execa(process.execPath, [kvrelBin, 'run', '--sname', 'a'], {
      cwd: repoRoot,
      reject: false,
      timeout: 60_000,
      env: { KVREL_PORT_MAPPER_PORT: 'abc' },
    });
    expect([result.exitCode, result.stderr.trim()]).toEqual([1, 'error: KVREL_PORT_MAPPER_PORT must be a port number from 1 to 65535 (got "abc")']);
  });
});

describe('a release booting a setting it cannot use', () => {
  // No PORT: config/runtime.ts would set kv-server.port from it, over the release's sys.config.json.
  const env = { RELEASE_DISTRIBUTION: 'none' };
  // A node that booted after all (the contract broken) is stopped rather than left running.
  const startFoo = (extra: Record<string, string> = {}) => execa(bin, ['start'], { env: { ...env, ...extra }, reject: false, timeout: 30_000 });
  let bin: string;
  let sysConfig: string;
  let builtConfig: string;
  beforeAll(() => {
    const foo = copyRelease('foo');
    const [version] = readdirSync(join(foo, 'releases')).filter((entry) => /^\d/.test(entry));
    bin = join(foo, 'bin', 'foo');
    sysConfig = join(foo, 'releases', version!, 'sys.config.json');
    builtConfig = readFileSync(sysConfig, 'utf8');
  });

  for (const { config, line } of badSettings) {
    it(`bin/foo start prints one line for ${JSON.stringify(config)}, exit 1; KVREL_DEBUG=1 adds the stack`, async () => {
      const built = JSON.parse(builtConfig) as Record<string, Record<string, unknown>>;
      for (const [app, keys] of Object.entries(config)) built[app] = { ...built[app], ...keys };
      writeFileSync(sysConfig, JSON.stringify(built));
      const result = await startFoo();
      expect([result.exitCode, result.stderr.trim()]).toEqual([1, `ERROR: ${line}`]);
      expect(result.stdout).not.toMatch(STACK_FRAME);
      const debug = await startFoo({ KVREL_DEBUG: '1' });
      expect(debug.exitCode).toBe(1);
      expect(debug.stderr).toMatch(new RegExp(`^ERROR: ${escape(line)}\\n.*Error: .*\\n${STACK_FRAME.source.slice(1)}`, 'm'));
    });
  }

  it('the launcher reports a command with no node to reach in one line; KVREL_DEBUG=1 adds the stack', async () => {
    writeFileSync(sysConfig, builtConfig);
    const result = await execa(bin, ['pid'], { env, reject: false });
    const line = 'ERROR: pid needs distribution, but RELEASE_DISTRIBUTION is none; unset it or set it to sname or name';
    expect([result.exitCode, result.stderr.trim()]).toEqual([1, line]);
    const debug = await execa(bin, ['pid'], { env: { ...env, KVREL_DEBUG: '1' }, reject: false });
    expect(debug.exitCode).toBe(1);
    expect(debug.stderr).toMatch(new RegExp(`^${escape(line)}\\nUserError: .*\\n${STACK_FRAME.source.slice(1)}`, 'm'));
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
