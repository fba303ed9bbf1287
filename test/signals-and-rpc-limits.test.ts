/**
 * A release node under signals and hostile rpc code (SPEC §10 "Signals", §8 rpc/stop; issue 15):
 * SIGUSR1 opens no inspector, SIGHUP does not stop it, other signals and process.exit() are logged
 * with their cause and status; rpc reports every throw, bounds its time and its result's size; stop
 * ends a node whose event loop is held. One port mapper per test, nodes on ports the OS picks.
 */
import { execa } from 'execa';
import { existsSync, readFileSync, readdirSync, readlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { KvClient } from './helpers/kv-client.js';
import { startPortMapper } from './helpers/port-mapper.js';
import { alive, start, stopAll, trackPid, type Started } from './helpers/processes.js';
import { copyRelease, removeReleaseCopies } from './helpers/releases.js';
import { servingPort } from './helpers/serving-port.js';
import { waitFor } from './helpers/wait-for.js';

let foo: string;
let env: Record<string, string>;

beforeAll(() => {
  foo = copyRelease('foo');
});

beforeEach(async () => {
  env = { PORT: '0', KVREL_PORT_MAPPER_PORT: String(await startPortMapper()), RELEASE_DISTRIBUTION: 'name', RELEASE_NODE: 'foo@127.0.0.1' };
});

afterEach(async () => {
  await stopAll();
});

afterAll(() => removeReleaseCopies());

const bin = (release = foo) => join(release, 'bin', 'foo');
const run = (args: string[], release = foo) => execa(bin(release), args, { env, reject: false });

async function startFoo(release = foo): Promise<Started> {
  const node = start(bin(release), ['start'], { env });
  await waitFor(() => servingPort(node.output()) !== undefined && node.output().includes(' started on '), {
    what: 'foo to start',
    details: () => node.output(),
  });
  return node;
}

/** The TCP ports a process listens on: its socket inodes (/proc/<pid>/fd) among the host's listeners. */
function listeningPorts(pid: number): number[] {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const socket = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (socket) inodes.add(socket[1]!);
    } catch {
      // closed meanwhile
    }
  }
  const ports: number[] = [];
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    if (!existsSync(table)) continue;
    for (const line of readFileSync(table, 'utf8').split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      // local_address is fields[1] (hex ip:port), st is fields[3] (0A = LISTEN), inode is fields[9].
      if (fields[3] === '0A' && inodes.has(fields[9]!)) ports.push(parseInt(fields[1]!.split(':')[1]!, 16));
    }
  }
  return ports.sort((a, b) => a - b);
}

const inspectorUrl = async (release = foo) => (await run(['rpc', 'require("node:inspector").url() ?? "off"'], release)).stdout;

describe('signals', () => {
  it('kill -USR1 opens no inspector: no new listening port, no debugger', async () => {
    const node = await startFoo();
    const before = listeningPorts(node.pid);
    expect(before.length).toBeGreaterThan(0);
    process.kill(node.pid, 'SIGUSR1');
    // The rpc's round trip comes after the signal; Node opens its inspector within it when it is on.
    expect(await inspectorUrl()).toBe('off');
    expect(listeningPorts(node.pid)).toEqual(before);
    expect(node.output()).not.toMatch(/Debugger listening/);
    expect(alive(node.pid)).toBe(true);
  });

  it("a vm.args line --inspect-port turns SIGUSR1's inspector back on", async () => {
    const release = copyRelease('foo');
    writeFileSync(join(release, 'releases', '0.0.1', 'vm.args'), '--inspect-port=127.0.0.1:0\n');
    const node = await startFoo(release);
    process.kill(node.pid, 'SIGUSR1');
    await waitFor(async () => (await inspectorUrl(release)).startsWith('ws://127.0.0.1:'), { what: 'the inspector to open', details: () => node.output() });
  });

  it('SIGHUP is logged and the node keeps serving the kv protocol', async () => {
    const node = await startFoo();
    process.kill(node.pid, 'SIGHUP');
    await waitFor(() => node.output().includes('SIGHUP received and ignored'), { what: 'the SIGHUP log line', details: () => node.output() });
    const client = await KvClient.connect(servingPort(node.output())!);
    expect(await client.command('CREATE shopping')).toEqual(['OK']);
    expect(await client.command('PUT shopping milk 1')).toEqual(['OK']);
    expect(await client.command('GET shopping milk')).toEqual(['1', 'OK']);
    client.close();
    expect(alive(node.pid)).toBe(true);
  });

  it('a SIGQUIT death is logged with its cause and recorded as the exit status; the pid file goes', async () => {
    const release = copyRelease('foo');
    expect((await run(['daemon'], release)).exitCode).toBe(0);
    const pidPath = join(release, 'tmp', 'foo.pid');
    const pid = Number(readFileSync(pidPath, 'utf8'));
    trackPid(pid);
    process.kill(pid, 'SIGQUIT');
    await waitFor(() => !alive(pid), { what: 'the node to exit' });
    const log = readFileSync(join(release, 'tmp', 'log', 'foo.log.1'), 'utf8');
    expect(log).toMatch(/\[error\] SIGQUIT received, stopping \(exit status 131\)/);
    expect(log.trimEnd().split('\n').at(-1)).toMatch(/\[error\] exiting with status 131: SIGQUIT received$/);
    expect(existsSync(pidPath)).toBe(false);
  });

  it('process.exit() in rpc code is logged with where it was called and its status', async () => {
    const node = await startFoo();
    expect((await run(['rpc', 'setTimeout(() => process.exit(3), 50); 1'])).stdout).toBe('1');
    expect((await node.exit).code).toBe(3);
    expect(node.output()).toMatch(/\[error\] exiting with status 3: process\.exit\(3\) called at .*rpc:1:\d+/);
  });
});

describe('rpc bounds', () => {
  it('exits 1 with what was thrown, ends calls past --timeout, refuses a result over the frame limit', async () => {
    const node = await startFoo();
    const rejected = await run(['rpc', 'await Promise.reject(null)']);
    expect([rejected.exitCode, rejected.stderr]).toEqual([1, 'Uncaught null']);
    const thrown = await run(['rpc', 'throw undefined']);
    expect([thrown.exitCode, thrown.stderr]).toEqual([1, 'Uncaught undefined']);

    const never = await run(['rpc', '--timeout', '2', 'await new Promise(() => {})']);
    expect(never.exitCode).toBe(1);
    expect(never.stderr).toMatch(/^did not return within 2 s \(--timeout 2\)/);
    const loop = await run(['rpc', '--timeout', '1', 'while (true) {}']);
    expect([loop.exitCode, loop.stderr]).toEqual([1, 'ran past its 1 s timeout and was interrupted (--timeout 1)']);

    const huge = await run(['rpc', '"x".repeat(70 * 2 ** 20)']);
    expect(huge.exitCode).toBe(1);
    expect(huge.stderr).toMatch(/^the result is 73,400,320 bytes or more, over the limit of 66,060,288 bytes \(63 MiB/);
    // Still the same node, answering.
    expect((await run(['pid'])).stdout).toBe(String(node.pid));
  });

  it('eval says so when its expression awaits a promise nothing can settle, and reports a null rejection', async () => {
    const noDist = { ...env, RELEASE_DISTRIBUTION: 'none' };
    const never = await execa(bin(), ['eval', 'await new Promise(() => {})'], { env: noDist, reject: false });
    expect([never.exitCode, never.stderr]).toEqual([1, 'ERROR: the expression did not return: it awaits a promise that nothing left in the node can settle']);
    const rejected = await execa(bin(), ['eval', 'await Promise.reject(null)'], { env: noDist, reject: false });
    expect([rejected.exitCode, rejected.stderr]).toEqual([1, 'Uncaught null']);
  });

  it('stop ends a node whose event loop an rpc holds: SIGTERM, then SIGKILL, and says so', async () => {
    const release = copyRelease('foo');
    expect((await run(['daemon'], release)).exitCode).toBe(0);
    const pidPath = join(release, 'tmp', 'foo.pid');
    const pid = Number(readFileSync(pidPath, 'utf8'));
    trackPid(pid);
    // After an await, nothing inside the node can interrupt the loop.
    const stuck = await run(['rpc', '--timeout', '1', 'await null; while (true) {}'], release);
    expect(stuck.exitCode).toBe(1);
    expect(stuck.stderr).toMatch(/did not answer within 1 s \(--timeout 1\) and 5 s more: the code holds its event loop/);
    const stopped = await run(['stop'], release);
    expect(stopped.exitCode, stopped.stderr).toBe(0);
    expect(stopped.stderr).toMatch(/did not answer the stop request within 5 s/);
    expect(stopped.stderr).toMatch(new RegExp(`sent SIGTERM to node "foo@127.0.0.1" \\(pid ${pid}\\)`));
    expect(stopped.stderr).toMatch(/still running 5 s after SIGTERM; sent SIGKILL/);
    expect(stopped.stderr).toMatch(/was killed \(SIGKILL\)/);
    expect(alive(pid)).toBe(false);
    expect(existsSync(pidPath)).toBe(false);
  });
});
