/**
 * Operator safety around a release and `kvrel run` (SPEC §10, issue 10 item 6): a guessable cookie
 * and a cookie on the command line are warned about; a stale pid file naming another program does
 * not block `daemon`; a RELEASE_TMP another user could have prepared (a link, another owner, open to
 * all) is refused and the daemon's files are never opened through links; a port mapper that hangs is named as the cause, not "no node is running".
 */
import { execa } from 'execa';
import { spawn } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPortMapper } from './helpers/port-mapper.js';
import { alive, start, stopAll, trackPid } from './helpers/processes.js';
import { copyRelease, removeReleaseCopies } from './helpers/releases.js';
import { kvrelBin, repoRoot } from './helpers/repo.js';
import { waitFor } from './helpers/wait-for.js';

let portMapperPort: number;
let dir: string;
const servers: net.Server[] = [];

beforeAll(async () => {
  portMapperPort = await startPortMapper();
  dir = mkdtempSync(join(tmpdir(), 'kvrel-safety-'));
});

afterAll(async () => {
  for (const server of servers) server.close();
  await stopAll();
  removeReleaseCopies();
  rmSync(dir, { recursive: true, force: true });
});

/** `kvrel run --name <name>` with extra arguments and environment; resolves once it has started. */
async function runNode(name: string, args: string[], env: Record<string, string>): Promise<string> {
  const node = start(process.execPath, [kvrelBin, 'run', '--name', name, ...args], {
    cwd: repoRoot,
    env: { PORT: '0', KV_ROUTING_TABLE: `a-z=${name}`, KVREL_PORT_MAPPER_PORT: String(portMapperPort), ...env },
  });
  await waitFor(() => node.output().includes(`started on ${name}`), { what: `${name} to start`, details: () => node.output() });
  return node.output();
}

describe('cookies', () => {
  it('warns at boot about a guessable cookie, without printing it', async () => {
    const output = await runNode('weak@127.0.0.1', [], { RELEASE_COOKIE: 's3cret' });
    expect(output).toMatch(
      /\[warning\] distribution: the distribution cookie is a common word: anyone who can reach this node's distribution port can guess it offline/,
    );
    expect(output).not.toContain('s3cret');
  });

  it('warns that --cookie is visible to other users, and reads --cookie-file quietly', async () => {
    const flagged = await runNode('flagged@127.0.0.1', ['--cookie', 'a-long-enough-cookie-for-this-test'], {});
    expect(flagged).toContain('warning: --cookie puts the cookie on the command line, where every user of this host can read it');
    const file = join(dir, 'cookie');
    writeFileSync(file, 'a-long-enough-cookie-for-this-test\n');
    chmodSync(file, 0o600);
    const quiet = await runNode('quiet@127.0.0.1', ['--cookie-file', file], {});
    expect(quiet).not.toContain('warning');
    // The file's cookie (its newline left out) is the one given with --cookie: the two nodes talk.
    const ping = await execa(join(release(), 'bin', 'foo'), ['rpc', 'await Node.ping("flagged@127.0.0.1")'], {
      reject: false,
      env: { ...releaseEnv('quiet@127.0.0.1'), RELEASE_COOKIE: 'a-long-enough-cookie-for-this-test' },
    });
    expect([ping.exitCode, ping.stdout]).toEqual([0, 'pong']);
  });
});

let copy: string | undefined;
/** One private copy of release foo for this file. */
function release(): string {
  copy ??= copyRelease('foo');
  return copy;
}

function releaseEnv(node: string, mapperPort = portMapperPort): Record<string, string> {
  return { PORT: '0', RELEASE_DISTRIBUTION: 'name', RELEASE_NODE: node, KVREL_PORT_MAPPER_PORT: String(mapperPort) };
}

describe('pid file', () => {
  it('daemon starts when the pid file names a live process that is not this release', async () => {
    const unrelated = spawn('sleep', ['60'], { stdio: 'ignore' });
    trackPid(unrelated.pid!);
    const pidFile = join(release(), 'tmp', 'foo.pid');
    mkdirSync(join(release(), 'tmp'), { recursive: true });
    writeFileSync(pidFile, String(unrelated.pid));
    const env = releaseEnv('piddy@127.0.0.1');
    const daemon = await execa(join(release(), 'bin', 'foo'), ['daemon'], { env, reject: false });
    expect([daemon.exitCode, daemon.stderr]).toEqual([0, '']);
    const pid = Number(readFileSync(pidFile, 'utf8'));
    trackPid(pid);
    expect(pid).not.toBe(unrelated.pid);
    // The real daemon's pid file does block a second one.
    const again = await execa(join(release(), 'bin', 'foo'), ['daemon'], { env, reject: false });
    expect([again.exitCode, again.stderr]).toEqual([1, `ERROR: foo is already running as a daemon (pid ${pid}, ${pidFile}); stop it first with bin/foo stop`]);
    expect(readFileSync(pidFile, 'utf8')).toBe(String(pid));
    expect((await execa(join(release(), 'bin', 'foo'), ['stop'], { env, reject: false })).exitCode).toBe(0);
    expect(alive(pid)).toBe(false);
    expect(alive(unrelated.pid!)).toBe(true);
  });
});

describe('RELEASE_TMP of another user (the tests run as root)', () => {
  const daemonWith = (tmp: string) =>
    execa(join(release(), 'bin', 'foo'), ['daemon'], { env: { ...releaseEnv('tmpcheck@127.0.0.1'), RELEASE_TMP: tmp }, reject: false });

  it('refuses a RELEASE_TMP that is a symbolic link, in one line, writing nothing through it', async () => {
    const real = join(dir, 'real-tmp');
    mkdirSync(real);
    const link = join(dir, 'linked-tmp');
    symlinkSync(real, link);
    const result = await daemonWith(link);
    expect([result.exitCode, result.stderr]).toEqual([
      1,
      `ERROR: RELEASE_TMP (${link}) is refused: it is a symbolic link; set RELEASE_TMP to a folder of your own that only you can write to`,
    ]);
    expect(readdirSync(real)).toEqual([]);
  });

  it('refuses a RELEASE_TMP owned by another user, and one others may write to without the sticky bit', async () => {
    const theirs = join(dir, 'nobodys-tmp');
    mkdirSync(theirs, { mode: 0o755 });
    chownSync(theirs, 65534, 65534);
    const result = await daemonWith(theirs);
    expect([result.exitCode, result.stderr]).toEqual([
      1,
      `ERROR: RELEASE_TMP (${theirs}) is refused: it belongs to uid 65534, not to the user running it (uid ${process.getuid!()}); set RELEASE_TMP to ` +
        `a folder of your own that only you can write to`,
    ]);
    expect(readdirSync(theirs)).toEqual([]);
    const shared = join(dir, 'shared-tmp');
    mkdirSync(shared);
    chmodSync(shared, 0o777);
    const open = await daemonWith(shared);
    expect([open.exitCode, open.stderr]).toEqual([
      1,
      `ERROR: RELEASE_TMP (${shared}) is refused: it is writable by other users (mode 0777) without the sticky bit; set RELEASE_TMP to a folder of ` +
        `your own that only you can write to`,
    ]);
  });

  it('never appends the daemon log through a symbolic link', async () => {
    const tmp = join(dir, 'planted-tmp');
    mkdirSync(join(tmp, 'log'), { recursive: true });
    const victim = join(dir, 'root-only-file');
    writeFileSync(victim, 'untouched\n', { mode: 0o600 });
    symlinkSync(victim, join(tmp, 'log', 'foo.log.1'));
    const result = await daemonWith(tmp);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(
      /^ERROR: cannot open the daemon's log .*foo\.log\.1: ELOOP: too many symbolic links encountered, open '.*foo\.log\.1'; check RELEASE_TMP/,
    );
    expect(readFileSync(victim, 'utf8')).toBe('untouched\n');
    expect(existsSync(join(tmp, 'foo.pid'))).toBe(false);
  });
});

describe('messages name the real cause', () => {
  it('a port mapper that accepts and never answers is reported as such, not as no node running', async () => {
    const hung = net.createServer(() => {}); // accepts, reads nothing, answers nothing
    servers.push(hung);
    await new Promise<void>((resolve) => hung.listen(0, '127.0.0.1', resolve));
    const hungPort = (hung.address() as net.AddressInfo).port;
    const result = await execa(join(release(), 'bin', 'foo'), ['pid'], { env: releaseEnv('foo@127.0.0.1', hungPort), reject: false });
    expect(result.exitCode).toBe(1);
    expect(result.stderr.trim()).toBe(`ERROR: node "foo@127.0.0.1" is not reachable (the port mapper on 127.0.0.1:${hungPort} did not answer)`);
  });

  it('says no node is running when nothing runs there', async () => {
    const result = await execa(join(release(), 'bin', 'foo'), ['pid'], { env: releaseEnv('nobody@127.0.0.1'), reject: false });
    expect([result.exitCode, result.stderr.trim()]).toEqual([1, 'ERROR: no node "nobody@127.0.0.1" is running']);
  });
});
