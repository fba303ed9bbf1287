/**
 * Admission of incoming connections through a real listener: a flood of silent connections from
 * 127.0.0.1 (where the node's own rpc clients come from too) does not keep a real peer out, silent
 * connections are dropped after the first-frame deadline, and both are logged without a flood.
 */
import net from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DistributionTransport } from './distribution-transport.js';
import { startPortMapper, type PortMapper } from '../port-mapper/server.js';
import { startDistribution, type StartDistributionOptions } from './start-distribution.js';
import type { ScopedLogger } from '../../logger/logger.js';
import { waitFor } from '../../test-support/wait-for.js';

const COOKIE = 'incoming-handshakes-cookie';
let mapper: PortMapper;
const closers: (() => unknown)[] = [];

beforeEach(async () => {
  mapper = await startPortMapper({ port: 0, host: '127.0.0.1' });
});
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
  await mapper.close();
});

/** Warnings and errors; `limited` lines once per key, as the logger's rate limit lets them through in one window. */
function recorder(): ScopedLogger & { lines: string[] } {
  const lines: string[] = [];
  const keys = new Set<string>();
  const record = (message: string) => void lines.push(message);
  const limited = (_level: string, key: string, message: string) => {
    if (!keys.has(key)) record(message);
    keys.add(key);
  };
  return { lines, debug: () => {}, info: () => {}, warning: record, error: record, limited };
}

async function node(name: string, options: Partial<StartDistributionOptions> = {}): Promise<{ node: DistributionTransport; log: ReturnType<typeof recorder> }> {
  const log = recorder();
  const started = (await startDistribution({
    mode: 'name',
    name: `${name}@127.0.0.1`,
    cookie: COOKIE,
    host: '127.0.0.1',
    portMapperPort: mapper.port,
    startPortMapper: false,
    logger: log,
    invoke: (_s, fn) => `${name} ran ${fn}`,
    ...options,
  }))!;
  closers.push(() => started.stop());
  return { node: started, log };
}

/** Opens `count` connections that never send a byte; resolves once all are connected. */
async function silentConnections(port: number, count: number): Promise<{ closed: () => number }> {
  let closed = 0;
  await Promise.all(
    Array.from({ length: count }, () => {
      const socket = net.connect({ host: '127.0.0.1', port });
      closers.push(() => socket.destroy());
      socket.on('error', () => {});
      socket.on('close', () => closed++);
      return new Promise((resolve) => socket.once('connect', resolve));
    }),
  );
  return { closed: () => closed };
}

describe('incoming handshakes', () => {
  it('lets a real peer in past a flood of silent connections from its own address, and logs the flood in a few lines', async () => {
    const { node: bar, log } = await node('bar', { handshakeLimits: { maxPerAddress: 16, maxTotal: 64 }, firstFrameTimeoutMs: 60_000 });
    const flood = await silentConnections(bar.port!, 300);
    await waitFor(() => flood.closed() >= 300 - 16, { what: 'all but 16 silent connections to be closed', timeoutMs: 10_000 });
    const { node: foo } = await node('foo');
    await expect(foo.call('bar@127.0.0.1', 's', 'f', [], 5000)).resolves.toBe('bar ran f');
    // One line per kind and window: evicted to make room, or (within one turn of the event loop) refused.
    expect(log.lines.length).toBeLessThanOrEqual(2);
    for (const line of log.lines) {
      expect(line).toMatch(
        new RegExp(
          /^refused connection from an unnamed peer \(127\.0\.0\.1:\d+\): /.source +
            /(closed to make room for a newer connection: 16 handshakes pending from 127\.0\.0\.1|16 handshakes pending from 127\.0\.0\.1, all of them new)$/
              .source,
        ),
      );
    }
    const counted = [...bar.refusedConnections().values()].reduce((sum, n) => sum + n, 0);
    expect(counted).toBeGreaterThanOrEqual(300 - 16);
  });

  it('drops a connection that sends no name within the first-frame deadline', async () => {
    const { node: bar, log } = await node('bar', { firstFrameTimeoutMs: 100 });
    const silent = await silentConnections(bar.port!, 1);
    await waitFor(() => silent.closed() === 1, { what: 'the silent connection to be dropped', timeoutMs: 3000 });
    expect(log.lines).toEqual([expect.stringMatching(/^refused connection from an unnamed peer \(127\.0\.0\.1:\d+\): it sent no name within 100 ms$/)]);
  });
});
