import net from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DistributionTransport } from './transport/distribution-transport.js';
import { startPortMapper, type PortMapper } from './port-mapper/server.js';
import { callRemote, connectHidden } from './remote-call.js';
import { startDistribution } from './transport/start-distribution.js';
import type { Logger } from '../logger/logger.js';
import { waitFor } from '../test-support/wait-for.js';

const COOKIE = 'a-cookie-for-the-tests';
let mapper: PortMapper;
let bar: DistributionTransport;
let lines: string[];
let hanging = 0;

beforeEach(async () => {
  mapper = await startPortMapper({ port: 0, host: '127.0.0.1' });
  lines = [];
  hanging = 0;
  const log: Logger = { debug() {}, info() {}, warning: (m) => void lines.push(m), error: (m) => void lines.push(m) };
  bar = (await startDistribution({
    mode: 'name',
    name: 'bar@127.0.0.1',
    cookie: COOKIE,
    host: '127.0.0.1',
    portMapperPort: mapper.port,
    startPortMapper: false,
    logger: log,
    invoke: (_service, fn, _args) => {
      if (fn === 'pid') return 4242;
      if (fn === 'fail') throw new Error('no function system.fail on this node');
      hanging += 1;
      return new Promise(() => {});
    },
  }))!;
});
afterEach(async () => {
  await bar.stop();
  await mapper.close();
});

describe('hidden rpc clients', () => {
  it('calls a service on the target once and disconnects', async () => {
    await expect(callRemote('bar@127.0.0.1', COOKIE, 'system', 'pid', [], { portMapperPort: mapper.port })).resolves.toBe(4242);
    await expect(callRemote('bar@127.0.0.1', COOKIE, 'system', 'fail', [], { portMapperPort: mapper.port })).rejects.toThrow(
      'no function system.fail on this node',
    );
  });

  it('dials again when the node closes its handshake before it showed itself (evicted under a flood)', async () => {
    // A proxy in front of bar that closes the first connection once it has sent something, as a node
    // flooded with silent connections from this address does; a decoy mapper sends clients to it.
    let connections = 0;
    const proxy = net.createServer((client) => {
      connections += 1;
      if (connections === 1) {
        client.once('data', () => client.destroy());
        return;
      }
      const upstream = net.connect(bar.port!, '127.0.0.1');
      client.pipe(upstream).pipe(client);
      const end = () => (client.destroy(), upstream.destroy());
      client.on('error', end).on('close', end);
      upstream.on('error', end).on('close', end);
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    const decoy = await startPortMapper({ port: 0, host: '127.0.0.1' });
    const registration = net.connect(decoy.port, '127.0.0.1');
    try {
      registration.write(`REGISTER bar ${(proxy.address() as net.AddressInfo).port}\n`);
      await waitFor(() => decoy.names().get('bar') !== undefined, { what: 'bar registered with the decoy mapper' });
      await expect(callRemote('bar@127.0.0.1', COOKIE, 'system', 'pid', [], { portMapperPort: decoy.port })).resolves.toBe(4242);
      expect(connections).toBe(2);
    } finally {
      registration.destroy();
      await decoy.close();
      await new Promise((resolve) => proxy.close(resolve));
    }
  });

  it('is not listed in the target node list', async () => {
    const client = await connectHidden('bar@127.0.0.1', COOKIE, { portMapperPort: mapper.port });
    expect(client.self).toMatch(/^rpc-[0-9a-f]{4}-bar@127\.0\.0\.1$/);
    await expect(client.call('system', 'pid')).resolves.toBe(4242);
    expect(bar.list()).toEqual([]);
    client.close();
    expect(client.closed).toBe(true);
  });

  it('fails with the node name when the target is not running or the cookie is wrong', async () => {
    await expect(callRemote('foo@127.0.0.1', COOKIE, 'system', 'pid', [], { portMapperPort: mapper.port })).rejects.toThrow(
      `node "foo@127.0.0.1" is not reachable (no node "foo" is registered with the port mapper on 127.0.0.1:${mapper.port})`,
    );
    await expect(
      callRemote('bar@127.0.0.1', 'nope', 'system', 'pid', [], { portMapperPort: mapper.port, clientName: 'rpc-0000-bar@127.0.0.1' }),
    ).rejects.toThrow('could not connect to node "bar@127.0.0.1": cookie challenge failed (the two nodes do not share a cookie)');
    expect(lines).toEqual([expect.stringMatching(/^refused connection from "rpc-0000-bar@127\.0\.0\.1" \(127\.0\.0\.1:\d+\): cookie challenge failed$/)]);
  });

  it('fails when the target stops during the call', async () => {
    const message = (error: Error) => error.message;
    const call = callRemote('bar@127.0.0.1', COOKIE, 'system', 'hang', [], { portMapperPort: mapper.port, timeoutMs: 5000 }).catch(message);
    const client = await connectHidden('bar@127.0.0.1', COOKIE, { portMapperPort: mapper.port });
    const pending = client.call('system', 'hang').catch(message);
    await waitFor(() => hanging === 2, { what: 'both calls to reach bar', timeoutMs: 2000, intervalMs: 5 });
    await bar.stop();
    expect(await pending).toBe('node "bar@127.0.0.1" went away while handling "system.hang"');
    expect(await call).toBe('node "bar@127.0.0.1" went away while handling "system.hang"');
  });
});
