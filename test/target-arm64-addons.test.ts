/**
 * Issue 19: native addons in a release built on x64 for linux-arm64, from projects installed on this
 * x64 machine from the packed tarballs, so their node_modules hold only the x64 builds. The arm64
 * project (test/fixtures/arm64-project: @node-rs/bcrypt 1.10.8, whose linux-arm64-gnu package is
 * published; 2.0.0 lists one it never published) gets @node-rs/bcrypt-linux-arm64-gnu from the npm
 * registry and hashes with it under qemu-user; the any-project fixture's db release (better-sqlite3,
 * compiled by npm from its binding.gyp) is refused in one line naming it. One arm64 build for the
 * whole file: everything is slow under emulation.
 */
import { execa } from 'execa';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { elfTarget, howTargetRuns } from '../packages/kvrel/src/build/sea/targets.js';
import { anyProject, installedFixture, userEnv } from './helpers/any-project.js';
import { pathWithoutNode } from './helpers/path-without-node.js';
import { startPortMapper } from './helpers/port-mapper.js';
import { alive, stopAll, trackPid } from './helpers/processes.js';
import { tempDirsForThisFile } from './helpers/temp-dirs.js';

/** Installing a fixture (any-project compiles better-sqlite3: once per run, shared with any-project.test.ts). */
const INSTALL_TIMEOUT = 600_000;
const BUILD_TIMEOUT = 600_000;
/** An emulated node boots in ~15 s when the machine is idle. */
const EMULATED = 240_000;

const emulation = howTargetRuns('linux-arm64');
if (emulation === 'no') {
  console.warn(
    'target-arm64-addons: skipped: no binfmt_misc entry runs aarch64 binaries here (install qemu-user-static and binfmt-support and mount ' +
      'binfmt_misc; .ci/run does)',
  );
}

const tempDir = tempDirsForThisFile('kvrel-arm64-addons');

afterEach(async () => {
  await stopAll();
});

function kvrel(projectDir: string, args: readonly string[]) {
  return execa(join(projectDir, 'node_modules', '.bin', 'kvrel'), args, {
    cwd: projectDir,
    env: userEnv(),
    extendEnv: false,
    reject: false,
    all: true,
    timeout: BUILD_TIMEOUT,
  });
}

describe.skipIf(emulation === 'no')('native addons for linux-arm64 from an x64 install', () => {
  it(
    'hashes: the arm64 build of @node-rs/bcrypt is fetched into the release and hashes under emulation',
    async () => {
      const project = await installedFixture('arm64-project');
      // The project's install has the host's build only.
      expect(existsSync(join(project.dir, 'node_modules', '@node-rs', 'bcrypt-linux-x64-gnu'))).toBe(true);
      expect(existsSync(join(project.dir, 'node_modules', '@node-rs', 'bcrypt-linux-arm64-gnu'))).toBe(false);

      // target: 'linux-arm64' comes from the release definition.
      const dir = tempDir('hashes');
      const release = join(dir, 'hashes');
      const built = await kvrel(project.dir, ['release', 'hashes', '--path', release]);
      expect(built.exitCode, built.all).toBe(0);
      expect(built.all).toContain('added linux-arm64 builds from npm: @node-rs/bcrypt-linux-arm64-gnu@1.10.8');
      const manifest = JSON.parse(readFileSync(join(release, 'releases', '1.0.0', 'manifest.json'), 'utf8')) as { target: string; addons: string[] };
      expect(manifest.target).toBe('linux-arm64');
      expect(manifest.addons).toEqual(['node_modules/@node-rs/bcrypt-linux-arm64-gnu/bcrypt.linux-arm64-gnu.node']);
      expect(elfTarget(join(release, 'releases', '1.0.0', 'lib', manifest.addons[0]!))).toBe('linux-arm64');
      expect(elfTarget(join(release, 'releases', '1.0.0', 'hashes'))).toBe('linux-arm64');

      const env = userEnv({
        PATH: pathWithoutNode(dir),
        KVREL_PORT_MAPPER_PORT: String(await startPortMapper()),
        RELEASE_DISTRIBUTION: 'name',
        RELEASE_NODE: 'hashes@127.0.0.1',
      });
      const bin = (args: string[]) => execa(join(release, 'bin', 'hashes'), args, { env, extendEnv: false, reject: false, all: true, timeout: EMULATED });
      const daemon = await bin(['daemon']);
      const pidFile = join(release, 'tmp', 'hashes.pid');
      if (existsSync(pidFile)) trackPid(Number(readFileSync(pidFile, 'utf8')));
      expect(daemon.exitCode, daemon.all).toBe(0);
      const pid = Number(readFileSync(pidFile, 'utf8'));

      const hashed = await bin(['rpc', 'JSON.stringify(Hashes.hash("s3cret"))']);
      expect(hashed.exitCode, hashed.all).toBe(0);
      const answer = JSON.parse(hashed.stdout) as { hash: string; verified: boolean; arch: string };
      expect(answer).toMatchObject({ verified: true, arch: 'arm64' });
      expect(answer.hash).toMatch(/^\$2b\$04\$/);

      const stop = await bin(['stop']);
      expect(stop.exitCode, stop.all).toBe(0);
      expect(alive(pid)).toBe(false);
    },
    INSTALL_TIMEOUT + BUILD_TIMEOUT + 3 * EMULATED,
  );

  it(
    'db: better-sqlite3 (binding.gyp, no arm64 prebuild) is refused in one line naming it',
    async () => {
      const project = await anyProject();
      const result = await kvrel(project.dir, ['release', 'db', '--target', 'linux-arm64', '--path', join(tempDir('db'), 'db')]);
      expect(result.exitCode).toBe(1);
      const errors = result.stderr.split('\n').filter((line) => line.trim() !== '');
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatch(
        /better_sqlite3\.node of package "better-sqlite3" is not built for linux-arm64: .*binding\.gyp.*build the release on a linux-arm64 machine/,
      );
      expect(result.stderr).not.toMatch(/\n\s+at /);
    },
    INSTALL_TIMEOUT + BUILD_TIMEOUT,
  );
});
