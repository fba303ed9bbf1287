/**
 * Deploying over a running node (issue 15): `kvrel release` assembles a release in kvrel's own folder
 * and publishes it with renames, so a node running from the release folder never loses a file it
 * uses: rpc keeps answering while the same version is rebuilt, a version bump keeps the old version
 * (its priv/, its code) until its node stops, and `daemon` refuses while that node owns the pid file.
 *
 * The releases are built from a small project in a temp folder that links this repository's packages
 * and configuration, so its releases.config.ts can be bumped without touching the repository.
 */
import { execa } from 'execa';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from './helpers/free-port.js';
import { startPortMapper } from './helpers/port-mapper.js';
import { alive, stopAll, trackPid } from './helpers/processes.js';
import { kvrelBin, repoRoot } from './helpers/repo.js';
import { waitFor } from './helpers/wait-for.js';

const BUILD_TIMEOUT = 120_000;

let project: string;
let env: Record<string, string>;
const release = () => join(project, 'out', 'foo');
const bin = (...args: string[]) => execa(join(release(), 'bin', 'foo'), args, { env, reject: false });
const folders = () =>
  readdirSync(join(release(), 'releases'))
    .filter((f) => f !== 'COOKIE')
    .sort();
const versions = () => folders().filter((f) => !f.startsWith('.'));
const daemons: number[] = [];

function writeReleasesConfig(version: string): void {
  writeFileSync(
    join(project, 'releases.config.ts'),
    `import { defineReleases } from 'kvrel';\nexport default defineReleases({ foo: { version: '${version}', applications: { 'kv-server': ` +
      `'permanent', kv: 'permanent' } } });\n`,
  );
}

async function build(...flags: string[]): Promise<string> {
  const result = await execa(process.execPath, [kvrelBin, 'release', 'foo', '--path', release(), ...flags], {
    cwd: project,
    reject: false,
    all: true,
    timeout: BUILD_TIMEOUT,
  });
  expect(result.exitCode, result.all).toBe(0);
  return result.all;
}

async function startDaemon(): Promise<number> {
  const started = await bin('daemon');
  expect([started.exitCode, started.stderr]).toEqual([0, '']);
  const pid = Number(readFileSync(join(release(), 'tmp', 'foo.pid'), 'utf8'));
  trackPid(pid);
  daemons.push(pid);
  return pid;
}

beforeAll(async () => {
  project = mkdtempSync(join(tmpdir(), 'kvrel-deploy-'));
  writeFileSync(join(project, 'package.json'), readFileSync(join(repoRoot, 'package.json')));
  for (const linked of ['packages', 'node_modules', 'config', 'rel', 'tsconfig.json']) symlinkSync(join(repoRoot, linked), join(project, linked));
  writeReleasesConfig('0.0.1');
  env = {
    PORT: String(await freePort()),
    KVREL_PORT_MAPPER_PORT: String(await startPortMapper()),
    RELEASE_DISTRIBUTION: 'name',
    RELEASE_NODE: 'deploy@127.0.0.1',
    KV_ROUTING_TABLE: 'a-z=deploy@127.0.0.1',
  };
  await build();
}, BUILD_TIMEOUT + 30_000);

// A test that failed half-way leaves no node behind for the next one.
afterEach(() => {
  for (const pid of daemons.splice(0)) if (alive(pid)) process.kill(pid, 'SIGKILL');
});

afterAll(async () => {
  await stopAll();
  rmSync(project, { recursive: true, force: true });
});

describe('rebuilding under a running node', () => {
  it(
    'the same version: rpc calls made while it is rebuilt all succeed',
    async () => {
      const pid = await startDaemon();
      const rebuild = build();
      let rebuilt = false;
      void rebuild.finally(() => (rebuilt = true)).catch(() => {});
      const failed: string[] = [];
      let calls = 0;
      // Bounded: the rebuild takes seconds, a call a few hundred milliseconds.
      while (!rebuilt && calls < 300) {
        const answer = await bin('rpc', '1 + 1');
        calls++;
        if (answer.exitCode !== 0 || answer.stdout !== '2') failed.push(`exit ${answer.exitCode}: ${answer.stderr}`);
      }
      await rebuild;
      expect(calls).toBeGreaterThan(0);
      expect(failed).toEqual([]);
      // The node's own folder was set aside, not deleted: it still runs from it.
      expect(versions()).toEqual(['0.0.1']);
      expect(folders()).toEqual([expect.stringMatching(/^\.0\.0\.1\.replaced-/), '0.0.1']);
      expect((await bin('rpc', 'System.pid()')).stdout).toBe(String(pid));
      expect((await bin('stop')).exitCode).toBe(0);
      expect(alive(pid)).toBe(false);
    },
    2 * BUILD_TIMEOUT,
  );

  it(
    'a version bump keeps the running version until its node stops; daemon refuses meanwhile and leaves the pid file; --tar packs the new version only',
    async () => {
      const pid = await startDaemon();
      const pidFile = join(release(), 'tmp', 'foo.pid');
      writeReleasesConfig('0.0.2');
      const output = await build('--tar');
      expect(output).toContain(`kept releases/0.0.1: pid ${pid} runs from it`);
      expect(versions()).toEqual(['0.0.1', '0.0.2']);
      expect((await bin('version')).stdout).toBe('foo 0.0.2');

      // The node still finds its own version's files through Application.privDir.
      const own = await bin(
        'rpc',
        `JSON.parse(require('node:fs').readFileSync(require('node:path').join(Application.privDir('kv'), '..', '..', 'manifest.json'), 'utf8')).version`,
      );
      expect([own.exitCode, own.stdout, own.stderr]).toEqual([0, '0.0.1', '']);

      const again = await bin('daemon');
      expect([again.exitCode, again.stderr]).toEqual([
        1,
        `ERROR: foo is already running as a daemon (pid ${pid}, ${pidFile}); stop it first with bin/foo stop`,
      ]);
      expect(readFileSync(pidFile, 'utf8')).toBe(String(pid));
      expect(alive(pid)).toBe(true);

      const tarball = join(project, 'out', 'foo-0.0.2.tar.gz');
      expect(statSync(tarball).mode & 0o777).toBe(0o600);
      const entries = (await execa('tar', ['-tzf', tarball])).stdout.split('\n');
      expect(entries.filter((e) => /^(\.\/)?releases\/0\.0\.2\/foo$/.test(e))).toHaveLength(1);
      expect(entries.filter((e) => /releases\/(0\.0\.1|\.)/.test(e))).toEqual([]);

      const stopped = await bin('stop');
      expect([stopped.exitCode, stopped.stderr]).toEqual([0, '']);
      await waitFor(() => !alive(pid), { what: `pid ${pid} to exit` });
      expect(existsSync(pidFile)).toBe(false);
      // The first build after the old node stopped removes its version (and what earlier rebuilds set aside).
      await build();
      expect(folders()).toEqual(['0.0.2']);
    },
    3 * BUILD_TIMEOUT,
  );
});
