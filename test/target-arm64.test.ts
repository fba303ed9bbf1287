/**
 * Issue 19: release foo built on this x64 machine for linux-arm64 (`--target linux-arm64 --tar`) and
 * run under qemu-user (binfmt_misc hands the aarch64 executable to the emulator; `.ci/run` installs
 * it): an aarch64 ELF carrying the slice, whose bin/ commands work as the x64 release's do with no
 * `node` on PATH. One build for the whole file: everything is slow under emulation.
 */
import { execa } from 'execa';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { elfTarget, howTargetRuns } from '../packages/kvrel/src/build/sea/targets.js';
import { KvClient } from './helpers/kv-client.js';
import { pathWithoutNode } from './helpers/path-without-node.js';
import { startPortMapper } from './helpers/port-mapper.js';
import { alive, stopAll, trackPid } from './helpers/processes.js';
import { kvrelBin, repoRoot } from './helpers/repo.js';
import { servingPort } from './helpers/serving-port.js';
import { tempDirsForThisFile } from './helpers/temp-dirs.js';

/** A cold arm64 build strips the arm64 Node and writes the executable under the emulator: about a minute when idle. */
const BUILD_TIMEOUT = 600_000;
/** An emulated node boots in ~15 s when the machine is idle. */
const EMULATED = 240_000;

const emulation = howTargetRuns('linux-arm64');
if (emulation === 'no') {
  console.warn(
    'target-arm64: skipped: no binfmt_misc entry runs aarch64 binaries here (install qemu-user-static and binfmt-support and mount binfmt_misc; .ci/run does)',
  );
}

const tempDir = tempDirsForThisFile('kvrel-arm64');
let release: string;
let buildOutput: string;

beforeAll(async () => {
  if (emulation === 'no') return;
  const dir = tempDir('release');
  release = join(dir, 'foo');
  const result = await execa(process.execPath, [kvrelBin, 'release', 'foo', '--target', 'linux-arm64', '--tar', '--path', release], {
    cwd: repoRoot,
    reject: false,
    all: true,
    timeout: BUILD_TIMEOUT,
  });
  buildOutput = result.all ?? '';
  expect(result.exitCode, buildOutput).toBe(0);
}, BUILD_TIMEOUT + 60_000);

afterEach(async () => {
  await stopAll();
});

afterAll(async () => {
  await stopAll();
});

describe.skipIf(emulation === 'no')('release foo for linux-arm64, built on x64', () => {
  it('is an aarch64 executable, recorded as the target in the manifest and the tarball', async () => {
    const executable = join(release, 'releases', '0.0.1', 'foo');
    expect(elfTarget(executable)).toBe('linux-arm64');
    expect(elfTarget(process.execPath)).toBe('linux-x64');
    const manifest = JSON.parse(readFileSync(join(release, 'releases', '0.0.1', 'manifest.json'), 'utf8')) as { target: string };
    expect(manifest.target).toBe('linux-arm64');
    // Emulated: the target's Node made the code cache and the probe ran the executable.
    expect(buildOutput).toContain('for linux-arm64 (runs here emulated)');
    expect(buildOutput).not.toContain('no code cache');
    const tarball = join(release, '..', 'foo-0.0.1.tar.gz');
    expect((await execa('tar', ['-tzf', tarball])).stdout.split('\n')).toContain('releases/0.0.1/foo');
  });

  it(
    'runs as a daemon with no node on PATH: the kv protocol, rpc on arm64, status, stop',
    async () => {
      const env = {
        PATH: pathWithoutNode(tempDir('path')),
        PORT: '0',
        KVREL_PORT_MAPPER_PORT: String(await startPortMapper()),
        RELEASE_DISTRIBUTION: 'name',
        RELEASE_NODE: 'foo@127.0.0.1',
      };
      const bin = (args: string[]) => execa(join(release, 'bin', 'foo'), args, { env, extendEnv: false, reject: false, all: true, timeout: EMULATED });
      const daemon = await bin(['daemon']);
      expect(daemon.exitCode, daemon.all).toBe(0);
      const pid = Number(readFileSync(join(release, 'tmp', 'foo.pid'), 'utf8'));
      trackPid(pid);
      expect(readdirSync(join(release, 'tmp', 'log'))).toEqual(['foo.log.1']);
      const port = servingPort(readFileSync(join(release, 'tmp', 'log', 'foo.log.1'), 'utf8'));
      expect(port).toBeDefined();

      const client = await KvClient.connect(port!);
      expect(await client.command('CREATE shopping')).toEqual(['OK']);
      expect(await client.command('PUT shopping milk 1')).toEqual(['OK']);
      expect(await client.command('GET shopping milk')).toEqual(['1', 'OK']);
      client.close();

      const arch = await bin(['rpc', 'process.arch']);
      expect(arch.all).toBe('arm64');
      const status = await bin(['status']);
      expect(status.exitCode, status.all).toBe(0);
      expect(status.stdout).toMatch(/node\.js\s+v26\.12\.1 on linux-arm64/);
      expect((await bin(['version'])).stdout).toBe('foo 0.0.1');

      const stop = await bin(['stop']);
      expect(stop.exitCode, stop.all).toBe(0);
      expect(alive(pid)).toBe(false);
      expect(existsSync(join(release, 'tmp', 'foo.pid'))).toBe(false);
    },
    EMULATED * 4,
  );
});
