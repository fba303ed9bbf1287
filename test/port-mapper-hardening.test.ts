/**
 * The port mapper against squatters and fillers (SPEC §10, issue 10 item 4). The mapper runs in
 * this test's process (as root, the test's user) so the test can restart it at will; nodes are
 * `kvrel run` processes pointed at it.
 * - A process that registers a node's name while the mapper restarts only delays the node: the node
 *   logs each conflict and gets its name back once the squatter is gone.
 * - Another OS user can neither take a name a node of this user holds nor, with 1,500 idle
 *   connections, keep a new node from registering or an rpc from looking a node up.
 */
import { spawn } from 'node:child_process';
import net from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPortMapper, type PortMapper } from '../packages/runtime/src/distribution/port-mapper/server.js';
import { Cluster } from './helpers/cluster.js';
import { freePort } from './helpers/free-port.js';
import { stopAll, trackPid } from './helpers/processes.js';
import { repoRoot } from './helpers/repo.js';
import { waitFor } from './helpers/wait-for.js';

const NOBODY = 65534;
let mapper: PortMapper;
let cluster: Cluster;
const sockets: net.Socket[] = [];

beforeAll(async () => {
  mapper = await startPortMapper({ port: 0, host: '127.0.0.1' });
  cluster = Cluster.using(mapper.port);
});

afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await stopAll();
  await mapper.close();
});

/** Registers `name` from this process; resolves with the mapper's reply once it comes. */
async function registerFromHere(name: string, port: number): Promise<{ socket: net.Socket; reply: string }> {
  const socket = net.connect({ host: '127.0.0.1', port: mapper.port });
  sockets.push(socket);
  socket.on('error', () => {});
  let reply = '';
  socket.on('data', (chunk: Buffer) => (reply += chunk.toString('latin1')));
  socket.write(`REGISTER ${name} ${port}\n`);
  await waitFor(() => reply.endsWith('\n'), { what: `the reply to REGISTER ${name}` });
  return { socket, reply };
}

describe('port mapper hardening', () => {
  it('a node whose name was squatted after a mapper restart keeps trying, logging each conflict, and gets it back', async () => {
    const distPort = await freePort();
    const foo = await cluster.node('foo@127.0.0.1', 'a-z=foo@127.0.0.1', { distPort });
    const port = mapper.port;
    await mapper.close();
    // The new mapper and a squatter in it, before the node's first retry (100 ms later).
    mapper = await startPortMapper({ port, host: '127.0.0.1' });
    const squatter = await registerFromHere('foo', 4999);
    expect(squatter.reply).toBe('OK\n');
    const conflict = 'node name "foo" is already in use on this host: another process registered it while this node was not registered';
    await waitFor(() => foo.process.output().split(conflict).length > 2, { what: 'two conflicts logged', details: () => foo.process.output() });
    squatter.socket.destroy();
    await waitFor(() => mapper.names().get('foo') === distPort, { what: 'foo to register again', details: () => foo.process.output() });
    const rpc = await cluster.rpc('foo@127.0.0.1', 'Node.self()');
    expect([rpc.exitCode, rpc.stdout]).toEqual([0, 'foo@127.0.0.1']);
  });

  it('another user can neither take a node’s name nor fill the mapper: nodes still register and rpc finds them', async () => {
    await cluster.node('owned@127.0.0.1', 'a-z=owned@127.0.0.1');
    const intruder = spawn(process.execPath, [join(repoRoot, 'test', 'fixtures', 'mapper-intruder.cjs'), String(mapper.port), 'owned', '1500', '60'], {
      uid: NOBODY,
      gid: NOBODY,
      cwd: '/',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    trackPid(intruder.pid!);
    let output = '';
    intruder.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    intruder.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await waitFor(() => output.includes('reply '), { what: 'the intruder registration reply', details: () => output });
    expect(output).toContain(`reply ERROR node name "owned" belongs to user ${process.getuid!()}; user ${NOBODY} cannot take it over\n`);
    const opened = () => Number([...output.matchAll(/opened (\d+)/g)].at(-1)?.[1] ?? 0);
    await waitFor(() => opened() >= 1500, { what: '1,500 idle connections', details: () => output.slice(-300) });

    await cluster.node('late@127.0.0.1', 'a-z=late@127.0.0.1');
    expect(mapper.names().has('late')).toBe(true);
    const rpc = await cluster.rpc('late@127.0.0.1', 'Node.self()');
    expect([rpc.exitCode, rpc.stdout]).toEqual([0, 'late@127.0.0.1']);
    // The intruder holds no more than its address's share of the mapper's connections (64 pending,
    // 192 waiting for a slot).
    expect(mapper.connections()).toBeLessThan(300);
    intruder.kill('SIGKILL');
  });
});
