import net from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Invoke } from './distribution-settings.js';
import type { DistributionTransport } from './distribution-transport.js';
import { encodeFrame } from '../wire/frame.js';
import { encodeName } from '../wire/handshake-messages.js';
import { encodeMessage } from '../wire/message.js';
import { startPortMapper, type PortMapper } from '../port-mapper/server.js';
import { startDistribution, type StartDistributionOptions } from './start-distribution.js';
import type { Logger } from '../../logger/logger.js';
import { waitFor } from '../../test-support/wait-for.js';
import { freePort } from '../../test-support/free-port.js';

const COOKIE = 'monster-cookie-for-tests';
let mapper: PortMapper;
const nodes: DistributionTransport[] = [];
const sockets: net.Socket[] = [];

beforeEach(async () => {
  mapper = await startPortMapper({ port: 0, host: '127.0.0.1' });
});
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  await Promise.all(nodes.splice(0).map((node) => node.stop()));
  await mapper.close();
});

/** Warnings and errors in `lines`; every line but debug in `all`. */
function recorder(): Logger & { lines: string[]; all: string[] } {
  const lines: string[] = [];
  const all: string[] = [];
  const record = (level: string) => (message: string) => {
    all.push(`[${level}] ${message}`);
    if (level !== 'info') lines.push(`[${level}] ${message}`);
  };
  return { lines, all, debug: () => {}, info: record('info'), warning: record('warning'), error: record('error') };
}

interface TestNode {
  node: DistributionTransport;
  log: ReturnType<typeof recorder>;
  calls: string[];
}

async function start(name: string, options: { cookie?: string; invoke?: Invoke } & Partial<StartDistributionOptions> = {}): Promise<TestNode> {
  const log = recorder();
  const calls: string[] = [];
  const { cookie, invoke: serve, ...rest } = options;
  const invoke: Invoke = serve ?? ((service, fn, args) => (calls.push(`${service}.${fn}`), `${name} ran ${service}.${fn}(${JSON.stringify(args)})`));
  const node = await startDistribution({
    mode: 'name',
    name: `${name}@127.0.0.1`,
    cookie: cookie ?? COOKIE,
    host: '127.0.0.1',
    portMapperPort: mapper.port,
    startPortMapper: false,
    handshakeTimeoutMs: 1000,
    invoke: (service, fn, args) => (calls.push(`${service}.${fn}`), invoke(service, fn, args)),
    logger: log,
    ...rest,
  });
  nodes.push(node!);
  return { node: node!, log, calls };
}

async function rawConnect(port: number): Promise<net.Socket> {
  const socket = net.connect({ host: '127.0.0.1', port });
  sockets.push(socket);
  socket.on('error', () => {});
  await new Promise((resolve) => socket.once('connect', resolve));
  return socket;
}

describe('distribution', () => {
  it('calls another node, connecting on first use', async () => {
    const foo = await start('foo');
    const bar = await start('bar');
    expect(foo.node.list()).toEqual([]);
    await expect(foo.node.call('bar@127.0.0.1', 'kv', 'get', ['k'], 1000)).resolves.toBe('bar ran kv.get(["k"])');
    expect(foo.node.list()).toEqual(['bar@127.0.0.1']);
    await waitFor(() => bar.node.list().length === 1, { what: 'bar to list foo', timeoutMs: 3000 });
    expect(bar.node.list()).toEqual(['foo@127.0.0.1']);
    await expect(bar.node.call('foo@127.0.0.1', 'kv', 'put', [], 1000)).resolves.toBe('foo ran kv.put([])');
    await expect(foo.node.call('foo@127.0.0.1', 'kv', 'self', [], 1000)).resolves.toBe('foo ran kv.self([])');
  });

  it('answers pong for a live node and pang for one that is not', async () => {
    const foo = await start('foo');
    await start('bar');
    expect(await foo.node.ping('bar@127.0.0.1')).toBe('pong');
    expect(await foo.node.ping('nobody@127.0.0.1')).toBe('pang');
    expect(await foo.node.ping('not a name')).toBe('pang');
    expect(await foo.node.connect('bar@127.0.0.1')).toBe(true);
  });

  it('refuses a peer with the wrong cookie and logs its claimed name and address, never the cookie', async () => {
    const foo = await start('foo', { cookie: 'wrong-cookie' });
    const bar = await start('bar');
    await expect(foo.node.call('bar@127.0.0.1', 'kv', 'get', [], 1000)).rejects.toThrow(
      'could not connect to node "bar@127.0.0.1": cookie challenge failed (the two nodes do not share a cookie)',
    );
    await waitFor(() => bar.log.lines.length > 0, { what: 'the refusal to be logged', timeoutMs: 3000 });
    expect(bar.log.lines).toHaveLength(1);
    expect(bar.log.lines[0]).toMatch(/^\[warning\] refused connection from "foo@127\.0\.0\.1" \(127\.0\.0\.1:\d+\): cookie challenge failed$/);
    expect(bar.log.lines.join('\n')).not.toContain(COOKIE);
    expect(bar.calls).toEqual([]);
    expect(bar.node.list()).toEqual([]);
    expect(await foo.node.ping('bar@127.0.0.1')).toBe('pang');
  });

  it('drops garbage and acts on nothing an unauthenticated peer sends', async () => {
    const bar = await start('bar');
    const junk = await rawConnect(bar.node.port!);
    junk.write('GET / HTTP/1.1\r\n\r\n');
    const sneaky = await rawConnect(bar.node.port!);
    // A name, then a call where the challenge reply belongs.
    sneaky.write(
      Buffer.concat([
        encodeFrame(encodeName('evil@127.0.0.1', false)),
        encodeFrame(encodeMessage({ type: 'call', id: 1, service: 'system', fn: 'stop', args: [] })),
      ]),
    );
    await waitFor(() => bar.log.lines.length === 2, { what: 'two refusals', timeoutMs: 3000 });
    expect(bar.log.lines.sort()).toEqual([
      expect.stringMatching(/^\[warning\] refused connection from "evil@127\.0\.0\.1" \(127\.0\.0\.1:\d+\): malformed handshake$/),
      expect.stringMatching(/^\[warning\] refused connection from an unnamed peer \(127\.0\.0\.1:\d+\): malformed handshake$/),
    ]);
    expect(bar.node.refusedConnections()).toEqual(new Map([['malformed handshake', 2]]));
    expect(bar.calls).toEqual([]);
    const foo = await start('foo');
    await expect(foo.node.call('bar@127.0.0.1', 's', 'f', [], 1000)).resolves.toBe('bar ran s.f([])');
  });

  it('drops a peer that stalls during the handshake', async () => {
    const bar = await start('bar');
    const slow = await rawConnect(bar.node.port!);
    let closed = false;
    slow.on('close', () => (closed = true)).resume();
    slow.write(encodeFrame(encodeName('slow@127.0.0.1', false)));
    await waitFor(() => bar.log.lines.length === 1, { what: 'the stalled peer to be dropped', timeoutMs: 3000 });
    expect(bar.log.lines[0]).toMatch(/refused connection from "slow@127\.0\.0\.1" \(127\.0\.0\.1:\d+\): the handshake took more than 1000 ms$/);
    await waitFor(() => closed, { what: 'the socket to close', timeoutMs: 3000 });
  });

  it('fails a call to a node nobody registered, or whose port refuses, at once', async () => {
    const foo = await start('foo');
    await expect(foo.node.call('bar@127.0.0.1', 's', 'f', [], 10_000)).rejects.toThrow(
      `node "bar@127.0.0.1" is not reachable (no node "bar" is registered with the port mapper on 127.0.0.1:${mapper.port})`,
    );
    const dead = net.createServer().listen(0, '127.0.0.1');
    await new Promise((resolve) => dead.once('listening', resolve));
    const deadPort = (dead.address() as net.AddressInfo).port;
    await new Promise((resolve) => dead.close(resolve));
    const registration = await rawConnect(mapper.port);
    registration.write(`REGISTER ghost ${deadPort}\n`);
    await waitFor(() => mapper.names().has('ghost'), { what: 'the ghost registration', timeoutMs: 3000 });
    await expect(foo.node.call('ghost@127.0.0.1', 's', 'f', [], 10_000)).rejects.toThrow('node "ghost@127.0.0.1" is not reachable (connection refused)');
  });

  it('does not dial its own pinned port for a peer on its host that is not registered', async () => {
    const distPort = await freePort();
    const foo = await start('foo', { distPort });
    await expect(foo.node.call('bar@127.0.0.1', 's', 'f', [], 2000)).rejects.toThrow(
      `node "bar@127.0.0.1" is not reachable (no node "bar" is registered with the port mapper on 127.0.0.1:${mapper.port})`,
    );
  });

  it('fails every pending call at once when the peer goes away, then reconnects when it is back', async () => {
    const foo = await start('foo');
    const bar = await start('bar', { invoke: () => new Promise(() => {}) });
    await expect(foo.node.ping('bar@127.0.0.1')).resolves.toBe('pong');
    const pending = Array.from({ length: 3 }, (_, i) => foo.node.call('bar@127.0.0.1', 'kv.router', `route${i}`, [], 60_000).catch((e: Error) => e.message));
    await waitFor(() => bar.calls.length === 3, { what: 'bar to receive the calls', timeoutMs: 3000 });
    await bar.node.stop();
    expect(await Promise.all(pending)).toEqual([0, 1, 2].map((i) => `node "bar@127.0.0.1" went away while handling "kv.router.route${i}"`));
    await waitFor(() => foo.node.list().length === 0, { what: 'foo to forget bar', timeoutMs: 3000 });
    await expect(foo.node.call('bar@127.0.0.1', 's', 'f', [], 1000)).rejects.toThrow('node "bar@127.0.0.1" is not reachable');
    await start('bar');
    await expect(foo.node.call('bar@127.0.0.1', 's', 'f', [], 1000)).resolves.toBe('bar ran s.f([])');
    expect(foo.node.list()).toEqual(['bar@127.0.0.1']);
  });

  it('times out a call with an error naming the node', async () => {
    const foo = await start('foo');
    await start('bar', { invoke: () => new Promise(() => {}) });
    // Connected first: the 50 ms are the call's own, not the handshake's on a busy machine.
    expect(await foo.node.connect('bar@127.0.0.1')).toBe(true);
    await expect(foo.node.call('bar@127.0.0.1', 'kv', 'slow', [], 50)).rejects.toThrow('node "bar@127.0.0.1" did not reply to "kv.slow" within 50 ms');
  });

  it('refuses a name already in use on this host', async () => {
    await start('foo');
    await expect(start('foo')).rejects.toThrow(/^node name "foo" is already in use on this host$/);
  });

  it('works when both nodes connect to each other at the same time', async () => {
    const foo = await start('foo');
    const bar = await start('bar');
    const results = await Promise.all([
      ...Array.from({ length: 5 }, () => foo.node.call('bar@127.0.0.1', 's', 'f', [], 2000)),
      ...Array.from({ length: 5 }, () => bar.node.call('foo@127.0.0.1', 's', 'f', [], 2000)),
    ]);
    expect(results).toEqual([...Array(5).fill('bar ran s.f([])'), ...Array(5).fill('foo ran s.f([])')]);
    expect(foo.node.list()).toEqual(['bar@127.0.0.1']);
    expect(bar.node.list()).toEqual(['foo@127.0.0.1']);
    await expect(foo.node.call('bar@127.0.0.1', 's', 'g', [], 2000)).resolves.toBe('bar ran s.g([])');
  });

  it('stops: closes its links, unregisters, and refuses further calls', async () => {
    const foo = await start('foo');
    const bar = await start('bar');
    await foo.node.call('bar@127.0.0.1', 's', 'f', [], 1000);
    await foo.node.stop();
    await waitFor(() => !mapper.names().has('foo') && bar.node.list().length === 0, { what: 'foo to be gone', timeoutMs: 3000 });
    await expect(foo.node.call('bar@127.0.0.1', 's', 'f', [], 1000)).rejects.toThrow(
      'node "bar@127.0.0.1" is not reachable (distribution is stopped on this node)',
    );
  });
});
