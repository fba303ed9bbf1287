import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { DistributionTransport } from './distribution-transport.js';
import { startPortMapper, type PortMapper } from '../port-mapper/server.js';
import { distributionOptionsFromEnv, netTicktimeToMs, startDistribution } from './start-distribution.js';
import { deleteEnv, putEnv } from '../../application/environment.js';
import type { Logger } from '../../logger/logger.js';
import { freePort } from '../../test-support/free-port.js';

const COOKIE = 'a-cookie-for-the-tests';
const nodes: DistributionTransport[] = [];
const closers: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  await Promise.all(nodes.splice(0).map((node) => node.stop()));
  await Promise.all(closers.splice(0).map((close) => close()));
});

function recorder(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const record = (level: string) => (message: string) => void lines.push(`[${level}] ${message}`);
  return { lines, debug: () => {}, info: record('info'), warning: record('warning'), error: record('error') };
}

async function mapper(): Promise<PortMapper> {
  const started = await startPortMapper({ port: 0, host: '127.0.0.1' });
  closers.push(() => started.close());
  return started;
}

async function start(options: Parameters<typeof startDistribution>[0]): Promise<DistributionTransport> {
  const node = await startDistribution({ host: '127.0.0.1', startPortMapper: false, logger: recorder(), ...options });
  nodes.push(node!);
  return node!;
}

describe('startDistribution', () => {
  it('starts nothing when the mode is none', async () => {
    await expect(startDistribution({ mode: 'none', name: 'foo', cookie: COOKIE })).resolves.toBeUndefined();
  });

  it('names an sname node after the short host name and registers its port', async () => {
    const m = await mapper();
    const node = await start({ mode: 'sname', name: 'foo', cookie: COOKIE, hostname: 'box.example.com', portMapperPort: m.port });
    expect(node.self()).toBe('foo@box');
    expect(node.port).toBeGreaterThan(0);
    expect(m.names().get('foo')).toBe(node.port);
    expect(node.list()).toEqual([]);
  });

  it('listens on a pinned port and registers it', async () => {
    const m = await mapper();
    const distPort = await freePort();
    const node = await start({ mode: 'name', name: 'foo@127.0.0.1', cookie: COOKIE, portMapperPort: m.port, distPort });
    expect(node.port).toBe(distPort);
    expect(m.names().get('foo')).toBe(distPort);
  });

  it('keeps a pinned node running without a port mapper, with a warning', async () => {
    const log = recorder();
    const distPort = await freePort();
    const portMapperPort = await freePort();
    const node = await start({ mode: 'name', name: 'foo@127.0.0.1', cookie: COOKIE, portMapperPort, distPort, logger: log });
    expect(node.port).toBe(distPort);
    expect(log.lines).toEqual([
      `[warning] node "foo@127.0.0.1" runs without the port mapper (the port mapper at 127.0.0.1:${portMapperPort} is not available (nothing listens ` +
        `there)); peers must use port ${distPort}`,
    ]);
  });

  it('fails without a port mapper when the port is not pinned, and frees its port', async () => {
    const portMapperPort = await freePort();
    await expect(
      startDistribution({ mode: 'name', name: 'foo@127.0.0.1', cookie: COOKIE, host: '127.0.0.1', portMapperPort, startPortMapper: false }),
    ).rejects.toThrow(`the port mapper at 127.0.0.1:${portMapperPort} is not available (nothing listens there)`);
  });

  it('raises for a pinned port in use, an empty cookie and a bad name', async () => {
    const m = await mapper();
    const busy = net.createServer().listen(0, '127.0.0.1');
    await new Promise((resolve) => busy.once('listening', resolve));
    closers.push(() => new Promise((resolve) => busy.close(resolve)));
    const distPort = (busy.address() as net.AddressInfo).port;
    await expect(start({ mode: 'name', name: 'foo@127.0.0.1', cookie: COOKIE, portMapperPort: m.port, distPort })).rejects.toThrow(
      `node "foo@127.0.0.1" could not listen for other nodes on 127.0.0.1:${distPort}: the address is already in use; set KVREL_DIST_PORT to a free ` +
        `port or leave it unset`,
    );
    await expect(start({ mode: 'name', name: 'foo@127.0.0.1', cookie: '', portMapperPort: m.port })).rejects.toThrow(
      'the cookie is empty; set RELEASE_COOKIE or write releases/COOKIE',
    );
    await expect(start({ mode: 'name', name: 'foo', cookie: COOKIE, portMapperPort: m.port })).rejects.toThrow('node name "foo" is not valid');
    expect(m.names().size).toBe(0);
  });

  it('warns at boot about a guessable cookie, never printing it', async () => {
    const m = await mapper();
    const weak = recorder();
    await start({ mode: 'name', name: 'weak@127.0.0.1', cookie: 's3cret', portMapperPort: m.port, logger: weak });
    expect(weak.lines).toEqual([expect.stringMatching(/^\[warning\] the distribution cookie is a common word: anyone who can reach/)]);
    expect(weak.lines.join('\n')).not.toContain('s3cret');
    const strong = recorder();
    await start({ mode: 'name', name: 'strong@127.0.0.1', cookie: COOKIE, portMapperPort: m.port, logger: strong });
    expect(strong.lines).toEqual([]);
  });

  it('takes its tick time from the kernel application env and refuses a bad one', async () => {
    const m = await mapper();
    putEnv('kernel', 'netTicktime', 'soon');
    try {
      await expect(start({ mode: 'name', name: 'foo@127.0.0.1', cookie: COOKIE, portMapperPort: m.port })).rejects.toThrow(
        'kernel.netTicktime must be a number of seconds greater than 0 (got "soon")',
      );
    } finally {
      deleteEnv('kernel', 'netTicktime');
    }
    expect(netTicktimeToMs(0.5)).toBe(500);
    expect(() => netTicktimeToMs(0)).toThrow('kernel.netTicktime must be a number of seconds greater than 0 (got 0)');
  });

  it('reads its options from RELEASE_* and KVREL_* variables', () => {
    expect(distributionOptionsFromEnv({}, 'foo')).toEqual({ mode: 'sname', name: 'foo', portMapperPort: 4370, distPort: undefined });
    expect(
      distributionOptionsFromEnv(
        { RELEASE_DISTRIBUTION: 'name', RELEASE_NODE: 'bar@127.0.0.1', KVREL_PORT_MAPPER_PORT: '4400', KVREL_DIST_PORT: '9100' },
        'foo',
      ),
    ).toEqual({ mode: 'name', name: 'bar@127.0.0.1', portMapperPort: 4400, distPort: 9100 });
    expect(() => distributionOptionsFromEnv({ RELEASE_DISTRIBUTION: 'long' }, 'foo')).toThrow('RELEASE_DISTRIBUTION must be one of');
  });
});
