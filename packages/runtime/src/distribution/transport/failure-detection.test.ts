/**
 * The failure detector through real links: foo reaches bar through a proxy the test can freeze (as
 * SIGSTOP would freeze bar). kernel.netTicktime is 0.4 s here.
 */
import net from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DistributionTransport } from './distribution-transport.js';
import { startPortMapper, type PortMapper } from '../port-mapper/server.js';
import { startDistribution } from './start-distribution.js';
import type { Logger } from '../../logger/logger.js';
import { startFreezableProxy, type FreezableProxy } from '../../test-support/freezable-proxy.js';
import { waitFor } from '../../test-support/wait-for.js';

const COOKIE = 'failure-detection-cookie';
const closers: (() => unknown)[] = [];
let fooMapper: PortMapper;
let barMapper: PortMapper;

beforeEach(async () => {
  // Two mappers: bar registers itself with its own, foo's has "bar" pointing at the proxy.
  fooMapper = await startPortMapper({ port: 0, host: '127.0.0.1' });
  barMapper = await startPortMapper({ port: 0, host: '127.0.0.1' });
  closers.push(
    () => fooMapper.close(),
    () => barMapper.close(),
  );
});
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

function recorder(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const record = (level: string) => (message: string) => void lines.push(`[${level}] ${message}`);
  return { lines, debug: () => {}, info: record('info'), warning: record('warning'), error: record('error') };
}

async function node(
  name: string,
  portMapperPort: number,
  log: Logger,
  invoke: (s: string, fn: string) => unknown = (_s, fn) => `${name} ran ${fn}`,
): Promise<DistributionTransport> {
  const started = (await startDistribution({
    mode: 'name',
    name: `${name}@127.0.0.1`,
    cookie: COOKIE,
    host: '127.0.0.1',
    portMapperPort,
    startPortMapper: false,
    netTicktime: 0.4,
    handshakeTimeoutMs: 1000,
    logger: log,
    invoke,
  }))!;
  closers.push(() => started.stop());
  return started;
}

/** foo, and bar behind a proxy registered as "bar" with foo's mapper. */
async function pair(
  barInvoke?: (s: string, fn: string) => unknown,
): Promise<{ foo: DistributionTransport; fooLog: ReturnType<typeof recorder>; proxy: FreezableProxy }> {
  const fooLog = recorder();
  const foo = await node('foo', fooMapper.port, fooLog);
  const bar = await node('bar', barMapper.port, recorder(), barInvoke);
  const proxy = await startFreezableProxy(bar.port!);
  closers.push(() => proxy.close());
  const registration = net.connect({ host: '127.0.0.1', port: fooMapper.port });
  closers.push(() => registration.destroy());
  registration.on('error', () => {});
  registration.write(`REGISTER bar ${proxy.port}\n`);
  await waitFor(() => fooMapper.names().get('bar') === proxy.port, { what: 'the proxy registration', timeoutMs: 3000 });
  return { foo, fooLog, proxy };
}

describe('failure detection', () => {
  it('declares a frozen peer down: pending calls fail, list() drops it, nodedown is logged, later calls fail at once', async () => {
    const { foo, fooLog, proxy } = await pair((_s, fn) => (fn === 'hang' ? new Promise(() => {}) : `bar ran ${fn}`));
    await expect(foo.call('bar@127.0.0.1', 's', 'f', [], 1000)).resolves.toBe('bar ran f');
    expect(fooLog.lines).toContain('[info] nodeup bar@127.0.0.1');
    proxy.freeze();
    const pending = foo.call('bar@127.0.0.1', 's', 'hang', [], 60_000).catch((error: Error) => error.message);
    expect(await pending).toBe('node "bar@127.0.0.1" went away while handling "s.hang" (it did not answer for 0.4 s (kernel.netTicktime))');
    expect(fooLog.lines).toContain('[warning] nodedown bar@127.0.0.1: it did not answer for 0.4 s (kernel.netTicktime)');
    expect(foo.list()).toEqual([]);
    // Reconnecting would wait for a handshake nobody answers: calls fail at once instead.
    await expect(foo.call('bar@127.0.0.1', 's', 'f', [], 60_000)).rejects.toThrow(
      'node "bar@127.0.0.1" is not reachable (it did not answer for 0.4 s (kernel.netTicktime); trying to reconnect in the background)',
    );
    expect(await foo.ping('bar@127.0.0.1')).toBe('pang');

    proxy.thaw();
    await waitFor(async () => (await foo.call('bar@127.0.0.1', 's', 'f', [], 1000).catch(() => undefined)) === 'bar ran f', {
      what: 'foo to reach bar again',
      timeoutMs: 5000,
    });
    expect(foo.list()).toEqual(['bar@127.0.0.1']);
  });
});
