/**
 * What `kvrel release` assembles (SPEC §8): the layout, permissions, the slice each executable holds,
 * the embedded Node, and a release that runs after being moved and with no `node` on the machine.
 */
import { execa } from 'execa';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { builtRelease, copyRelease, removeReleaseCopies } from './helpers/releases.js';
import { kvrelBin, repoRoot } from './helpers/repo.js';

afterAll(() => removeReleaseCopies());

const mode = (file: string) => statSync(file).mode & 0o777;
const noDist = { RELEASE_DISTRIBUTION: 'none' };

describe('release layout', () => {
  it('holds bin/<name>, the cookie and releases/<vsn>/ with owner-only cookie', () => {
    const foo = builtRelease('foo');
    expect(mode(join(foo, 'bin', 'foo'))).toBe(0o755);
    expect(mode(join(foo, 'releases', 'COOKIE'))).toBe(0o600);
    expect(readFileSync(join(foo, 'releases', 'COOKIE'), 'utf8')).toMatch(/^[A-Z2-7]{56}$/);
    for (const file of ['foo', 'env.sh', 'vm.args', 'remote.vm.args', 'sys.config.json', 'runtime.cjs', 'manifest.json']) {
      expect(existsSync(join(foo, 'releases', '0.0.1', file)), file).toBe(true);
    }
    expect(mode(join(foo, 'releases', '0.0.1', 'foo'))).toBe(0o755);
    const manifest = JSON.parse(readFileSync(join(foo, 'releases', '0.0.1', 'manifest.json'), 'utf8'));
    expect(manifest.modes).toEqual({ kv: 'permanent', 'kv-server': 'permanent' });
  });

  it("each release's executable carries its own slice: foo's has kv-server's code, bar's none, and lib/ no node.mjs", () => {
    // "UNKNOWN COMMAND" is a reply only kv-server's code sends (Node's binary itself never contains it).
    const marker = Buffer.from('UNKNOWN COMMAND');
    const fooExecutable = readFileSync(join(builtRelease('foo'), 'releases', '0.0.1', 'foo'));
    const barExecutable = readFileSync(join(builtRelease('bar'), 'releases', '0.0.1', 'bar'));
    expect(fooExecutable.includes(marker)).toBe(true);
    expect(barExecutable.includes(marker)).toBe(false);
    expect(fooExecutable.equals(barExecutable)).toBe(false);
    for (const name of ['foo', 'bar'] as const) {
      const lib = join(builtRelease(name), 'releases', '0.0.1', 'lib');
      expect(existsSync(join(lib, 'node.mjs')), name).toBe(false);
      expect(existsSync(join(lib, 'node.mjs.map')), name).toBe(false);
    }
  });

  it('keeps the cookie across rebuilds', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kvrel-rebuild-'));
    try {
      const path = join(dir, 'bar');
      const build = () => execa(process.execPath, [kvrelBin, 'release', 'bar', '--path', path], { cwd: repoRoot });
      await build();
      const first = readFileSync(join(path, 'releases', 'COOKIE'), 'utf8');
      const second = await build();
      expect(second.stdout).toContain('unchanged, reused');
      expect(readFileSync(join(path, 'releases', 'COOKIE'), 'utf8')).toBe(first);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('running a release', () => {
  it('prints version, usage, and refuses unknown commands as Mix does', async () => {
    const bin = join(builtRelease('foo'), 'bin', 'foo');
    expect((await execa(bin, ['version'])).stdout).toBe('foo 0.0.1');
    const usage = await execa(bin, [], { reject: false });
    expect(usage.exitCode).toBe(0);
    expect(usage.stderr).toContain('start_iex');
    const unknown = await execa(bin, ['bogus'], { reject: false });
    expect(unknown.exitCode).toBe(1);
    expect(unknown.stderr.trim().split('\n').at(-1)).toBe('ERROR: Unknown command bogus');
    const noExpr = await execa(bin, ['eval'], { reject: false });
    expect([noExpr.exitCode, noExpr.stderr.trim()]).toEqual([1, 'ERROR: EVAL expects an expression as argument']);
    const noRpc = await execa(bin, ['rpc'], { reject: false });
    expect([noRpc.exitCode, noRpc.stderr.trim()]).toEqual([1, 'ERROR: RPC expects an expression as argument']);
  });

  it('eval boots the code and configuration on the embedded Node 26, applications not started', async () => {
    const bin = join(builtRelease('foo'), 'bin', 'foo');
    const result = await execa(
      bin,
      ['eval', 'console.log(process.version); [Application.startedApplications().length, Application.getEnv("kv-server", "port"), typeof KV.get, Node.self()]'],
      {
        env: noDist,
      },
    );
    const [version, value] = result.stdout.split('\n');
    expect(version).toMatch(/^v26\./);
    expect(value).toBe("[ 0, 4040, 'function', 'nonode@nohost' ]");
    const thrown = await execa(bin, ['eval', 'throw new Error("boom")'], { env: noDist, reject: false });
    expect([thrown.exitCode, thrown.stderr.trim()]).toEqual([1, 'boom']);
  });

  it('applies vm.args and env.sh, read at every command', async () => {
    const foo = copyRelease('foo');
    const vsn = join(foo, 'releases', '0.0.1');
    await execa('sh', ['-c', `echo "--max-old-space-size=123" >> "${join(vsn, 'vm.args')}" && echo "export FROM_ENV_SH=hello" >> "${join(vsn, 'env.sh')}"`]);
    const result = await execa(
      join(foo, 'bin', 'foo'),
      ['eval', '[require("node:v8").getHeapStatistics().heap_size_limit / 1048576, process.env.FROM_ENV_SH]'],
      { env: noDist },
    );
    // The heap limit is old space + young generation (192 MiB on Node 24 and 26).
    const [heap, fromEnvSh] = JSON.parse(result.stdout.replace(/'/g, '"')) as [number, string];
    expect(heap).toBeLessThan(400);
    expect(fromEnvSh).toBe('hello');
  });

  it('runs after being moved, and with no node reachable', async () => {
    const foo = copyRelease('foo');
    const moved = join(foo, '..', 'elsewhere');
    renameSync(foo, moved);
    // A PATH holding only what a POSIX launcher needs, and no node.
    const bin = join(moved, '..', 'path-without-node');
    mkdirSync(bin);
    for (const tool of ['sh', 'sed', 'tr', 'cat', 'dirname', 'basename', 'readlink']) {
      const found = ['/usr/bin', '/bin'].map((d) => join(d, tool)).find((p) => existsSync(p));
      if (found) symlinkSync(found, join(bin, tool));
    }
    const env = { ...noDist, PATH: bin };
    const which = await execa('/bin/sh', ['-c', 'command -v node || echo none'], { env, extendEnv: false });
    expect(which.stdout).toBe('none');
    const result = await execa(join(moved, 'bin', 'foo'), ['eval', '[process.version, process.env.RELEASE_ROOT]'], { env, extendEnv: false });
    expect(result.stdout).toMatch(/^\[ 'v26\.\d+\.\d+', '.*elsewhere' \]$/);
  });

  it('--tar writes an owner-only tarball that unpacks into a release that boots', async () => {
    const tarball = join(builtRelease('bar'), '..', 'bar-0.0.1.tar.gz');
    expect(existsSync(tarball)).toBe(true);
    // It carries releases/COOKIE: readable by its owner only, whatever the umask.
    expect(mode(tarball)).toBe(0o600);
    const dir = mkdtempSync(join(tmpdir(), 'kvrel-untar-'));
    try {
      await execa('tar', ['-xzf', tarball, '-C', dir]);
      const result = await execa(join(dir, 'bin', 'bar'), ['eval', 'typeof KVServer + " " + typeof KV'], { env: noDist });
      expect(result.stdout).toBe('undefined object');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('--node', () => {
  it('embeds another Node binary, here the one running the tests, and vm.args still reach it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kvrel-node-'));
    try {
      const path = join(dir, 'bar');
      const built = await execa(process.execPath, [kvrelBin, 'release', 'bar', '--node', process.execPath, '--path', path], { cwd: repoRoot });
      // Node 24.7+ takes vm.args as --node-options; older ones through NODE_OPTIONS.
      expect(built.stdout).toMatch(new RegExp(`resolving Node \\(${process.version.replace(/\./g, '\\.')} from `));
      await execa('sh', ['-c', `echo "--max-old-space-size=123" >> "${join(path, 'releases', '0.0.1', 'vm.args')}"`]);
      const result = await execa(
        join(path, 'bin', 'bar'),
        ['eval', '[process.version, require("node:v8").getHeapStatistics().heap_size_limit / 1048576 < 400]'],
        { env: noDist },
      );
      expect(result.stdout).toBe(`[ '${process.version}', true ]`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('kvrel release errors', () => {
  it('names an unknown release with the available ones', async () => {
    const result = await execa(process.execPath, [kvrelBin, 'release', 'baz'], { cwd: repoRoot, reject: false });
    expect(result.exitCode).toBe(1);
    expect(result.stderr.trim()).toBe('error: Unknown release "baz". The available releases are: "foo", "bar"');
  });

  it('refuses a node binary without SEA support, naming it', async () => {
    const result = await execa(process.execPath, [kvrelBin, 'release', 'bar', '--node', '/bin/true', '--path', join(tmpdir(), 'kvrel-never')], {
      cwd: repoRoot,
      reject: false,
    });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/^error: .*\/bin\/true/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});
