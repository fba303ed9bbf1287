/**
 * Issue 19: native addons in a release built on x64 for linux-arm64. The any-project fixture is
 * installed on this x64 machine from the packed tarballs, so its node_modules holds only the x64
 * builds: @node-rs/bcrypt-linux-x64-gnu (a per-platform optional dependency) and better-sqlite3
 * compiled by npm (binding.gyp). Its api release for linux-arm64 gets @node-rs/bcrypt-linux-arm64-gnu
 * from the npm registry and hashes with it under qemu-user; its db release is refused in one line
 * naming better-sqlite3. One arm64 build for the whole file: everything is slow under emulation.
 */
import { execa } from 'execa';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, afterEach, describe, expect, it } from 'vitest';
import { elfTarget, howTargetRuns } from '../packages/kvrel/src/sea/targets.js';
import { anyProject, userEnv, type AnyProject } from './helpers/any-project.js';
import { freePort } from './helpers/free-port.js';
import { pathWithoutNode } from './helpers/path-without-node.js';
import { startPortMapper } from './helpers/port-mapper.js';
import { alive, stopAll, trackPid } from './helpers/processes.js';
import { tempDirsForThisFile } from './helpers/temp-dirs.js';
import { waitFor } from './helpers/wait-for.js';

/** Installing the fixture compiles better-sqlite3 (once per run, shared with any-project.test.ts). */
const INSTALL_TIMEOUT = 600_000;
const BUILD_TIMEOUT = 600_000;
/** An emulated node boots in ~15-30 s when the machine is idle. */
const EMULATED = 240_000;

const emulation = howTargetRuns('linux-arm64');
if (emulation === 'no') {
  console.warn('target-arm64-addons: skipped: no binfmt_misc entry runs aarch64 binaries here (install qemu-user-static and binfmt-support and mount binfmt_misc; .ci/run does)');
}

let project: AnyProject;
const tempDir = tempDirsForThisFile('kvrel-arm64-addons');

beforeAll(async () => {
  if (emulation !== 'no') project = await anyProject();
}, INSTALL_TIMEOUT);

afterEach(async () => {
  await stopAll();
});

function kvrel(args: readonly string[]) {
  return execa(join(project.dir, 'node_modules', '.bin', 'kvrel'), args, { cwd: project.dir, env: userEnv(), extendEnv: false, reject: false, all: true, timeout: BUILD_TIMEOUT });
}

describe.skipIf(emulation === 'no')('native addons for linux-arm64 from an x64 install', () => {
  it('api: the arm64 build of @node-rs/bcrypt is fetched into the release and hashes under emulation', async () => {
    // The project's install has the host's build only.
    expect(existsSync(join(project.dir, 'node_modules', '@node-rs', 'bcrypt-linux-x64-gnu'))).toBe(true);
    expect(existsSync(join(project.dir, 'node_modules', '@node-rs', 'bcrypt-linux-arm64-gnu'))).toBe(false);

    const dir = tempDir('api');
    const release = join(dir, 'api');
    const built = await kvrel(['release', 'api', '--target', 'linux-arm64', '--path', release]);
    expect(built.exitCode, built.all).toBe(0);
    expect(built.all).toMatch(/added linux-arm64 builds from npm: @node-rs\/bcrypt-linux-arm64-gnu@\S+/);
    const manifest = JSON.parse(readFileSync(join(release, 'releases', '1.0.0', 'manifest.json'), 'utf8')) as { target: string; addons: string[] };
    expect(manifest.target).toBe('linux-arm64');
    const addon = manifest.addons.find((file) => file.includes('bcrypt-linux-arm64-gnu'));
    expect(addon, JSON.stringify(manifest.addons)).toBeDefined();
    expect(elfTarget(join(release, 'releases', '1.0.0', 'lib', addon!))).toBe('linux-arm64');

    const port = await freePort();
    const env = userEnv({
      PATH: pathWithoutNode(dir),
      PORT: String(port),
      KVREL_PORT_MAPPER_PORT: String(await startPortMapper()),
      RELEASE_DISTRIBUTION: 'name',
      RELEASE_NODE: 'api@127.0.0.1',
      API_LOG_FILE: join(dir, 'api.log'),
    });
    const bin = (args: string[]) => execa(join(release, 'bin', 'api'), args, { env, extendEnv: false, reject: false, all: true, timeout: EMULATED });
    const daemon = await bin(['daemon']);
    const pidFile = join(release, 'tmp', 'api.pid');
    if (existsSync(pidFile)) trackPid(Number(readFileSync(pidFile, 'utf8')));
    expect(daemon.exitCode, daemon.all).toBe(0);
    const pid = Number(readFileSync(pidFile, 'utf8'));

    const response = await waitFor(
      async () => {
        const answer = await fetch(`http://127.0.0.1:${port}/hash?pw=s3cret`).catch(() => undefined);
        return answer && { status: answer.status, text: await answer.text() };
      },
      { what: 'the arm64 api to answer /hash', timeoutMs: EMULATED },
    );
    expect(response.status, response.text).toBe(200);
    const hashed = JSON.parse(response.text) as { hash: string; verified: boolean };
    expect(hashed.hash).toMatch(/^\$2b\$04\$/);
    expect(hashed.verified).toBe(true);
    expect((await bin(['rpc', 'process.arch'])).stdout).toBe('arm64');

    const stop = await bin(['stop']);
    expect(stop.exitCode, stop.all).toBe(0);
    expect(alive(pid)).toBe(false);
  }, BUILD_TIMEOUT + 3 * EMULATED);

  it('db: better-sqlite3 (binding.gyp, no arm64 prebuild) is refused in one line naming it', async () => {
    const result = await kvrel(['release', 'db', '--target', 'linux-arm64', '--path', join(tempDir('db'), 'db')]);
    expect(result.exitCode).toBe(1);
    const errors = result.stderr.split('\n').filter((line) => line.trim() !== '');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/better_sqlite3\.node of package "better-sqlite3" is not built for linux-arm64: .*binding\.gyp.*build the release on a linux-arm64 machine/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  }, BUILD_TIMEOUT);
});
