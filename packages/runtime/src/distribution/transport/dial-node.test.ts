import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { dialNode } from './dial-node.js';
import { resolveDistributionSettings } from './distribution-settings.js';
import type { DistributionTransport } from './distribution-transport.js';
import { startDistribution } from './start-distribution.js';
import { freePort } from '../../test-support/free-port.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

const quiet = { debug() {}, info() {}, warning() {}, error() {} };

describe('dialNode', () => {
  it('reaches a pinned node on its port when its host has no port mapper', async () => {
    const distPort = await freePort();
    const portMapperPort = await freePort();
    const bar = (await startDistribution({
      mode: 'name',
      name: 'bar@127.0.0.1',
      cookie: 'c',
      host: '127.0.0.1',
      distPort,
      portMapperPort,
      startPortMapper: false,
      invoke: () => 'hello',
      logger: quiet,
    })) as DistributionTransport;
    cleanups.push(() => bar.stop());
    const connection = await dialNode('bar@127.0.0.1', {
      self: 'foo@127.0.0.1',
      cookie: 'c',
      portMapperPort,
      fallbackPort: distPort,
      settings: resolveDistributionSettings(),
    });
    cleanups.push(() => connection.close());
    await expect(connection.call('s', 'f', [], 1000)).resolves.toBe('hello');
  });

  it('gives up on a peer that accepts but never answers, within the deadline', async () => {
    const sockets: net.Socket[] = [];
    const silent = net.createServer((socket) => void sockets.push(socket)).listen(0, '127.0.0.1');
    await new Promise((resolve) => silent.once('listening', resolve));
    cleanups.push(() => new Promise((resolve) => (sockets.forEach((s) => s.destroy()), silent.close(resolve))));
    const port = (silent.address() as net.AddressInfo).port;
    await expect(
      dialNode('bar@127.0.0.1', {
        self: 'foo@127.0.0.1',
        cookie: 'c',
        portMapperPort: await freePort(),
        fallbackPort: port,
        settings: resolveDistributionSettings({ handshakeTimeoutMs: 100 }),
      }),
    ).rejects.toThrow(/^could not connect to node "bar@127\.0\.0\.1": the handshake took more than \d+ ms$/);
  });

  it('raises for a target that is not a node name', async () => {
    await expect(dialNode('bar', { self: 'foo@h', cookie: 'c', portMapperPort: 1, settings: resolveDistributionSettings() })).rejects.toThrow(
      'node name "bar" is not valid: expected "name@host"',
    );
  });
});
