/**
 * Distribution over TLS (RELEASE_DIST_TLS) between in-process nodes on 127.0.0.1: links work and
 * carry no plaintext; a TLS node and a plain one refuse each other with one line on each side; an
 * expired or foreign certificate is refused naming the reason; a bad settings file is one coded line.
 * Certificates are made with the openssl CLI at test time.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadDistTls, type DistTls } from '../dist-tls.js';
import { isDistributionError } from '../errors.js';
import type { DistributionTransport } from './distribution-transport.js';
import { registerWithPortMapper } from '../port-mapper/client.js';
import { startPortMapper, type PortMapper } from '../port-mapper/server.js';
import { startDistribution, type StartDistributionOptions } from './start-distribution.js';
import type { ScopedLogger } from '../../logger/logger.js';
import { waitFor } from '../../test-support/wait-for.js';

const COOKIE = 'tls-links-cookie-1234567890';
let dir: string;
let mapper: PortMapper;
const closers: (() => unknown)[] = [];

function openssl(...args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
}

/** A key and certificate signed by `ca` (valid `days`; -1: expired yesterday), and its settings file. */
function node(name: string, ca: string, days = 30): string {
  openssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name}`);
  openssl('x509', '-req', '-in', `${name}.csr`, '-CA', `${ca}.pem`, '-CAkey', `${ca}.key`, '-CAcreateserial', '-out', `${name}.pem`, '-days', String(days));
  const file = join(dir, `${name}.json`);
  writeFileSync(file, JSON.stringify({ cert: `${name}.pem`, key: `${name}.key`, ca: 'ca.pem' }));
  return file;
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'kvrel-tls-links-'));
  for (const ca of ['ca', 'other-ca'])
    openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${ca}.key`, '-out', `${ca}.pem`, '-days', '30', '-subj', `/CN=${ca}`);
  node('foo', 'ca');
  node('bar', 'ca');
  node('expired', 'ca', -1);
  node('stranger', 'other-ca');
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

beforeEach(async () => {
  mapper = await startPortMapper({ port: 0, host: '127.0.0.1' });
});
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
  await mapper.close();
});

function recorder(): ScopedLogger & { lines: string[] } {
  const lines: string[] = [];
  const record = (message: string) => void lines.push(message);
  return { lines, debug: () => {}, info: () => {}, warning: record, error: record, limited: (_l, _k, message) => record(message) };
}

async function start(name: string, tls: DistTls | undefined, options: Partial<StartDistributionOptions> = {}) {
  const log = recorder();
  const started = (await startDistribution({
    mode: 'name',
    name: `${name}@127.0.0.1`,
    cookie: COOKIE,
    host: '127.0.0.1',
    portMapperPort: mapper.port,
    startPortMapper: false,
    logger: log,
    invoke: (_s, fn, args) => `${name} ran ${fn}(${args.join(',')})`,
    tls,
    ...options,
  }))!;
  closers.push(() => started.stop());
  return { node: started, log };
}

const settings = (name: string) => loadDistTls(join(dir, `${name}.json`));

let relayed: Buffer[] = [];
const seen = () => Buffer.concat(relayed);

/**
 * A port mapper of its own where "bar" points at a TCP relay in front of bar's real port, so a node
 * using it dials bar through the relay, which records every byte both ways. Returns its port.
 */
async function relayedMapper(target: number): Promise<number> {
  relayed = [];
  const server = net.createServer((client) => {
    const upstream = net.connect({ host: '127.0.0.1', port: target });
    for (const [from, to] of [
      [client, upstream],
      [upstream, client],
    ] as const) {
      from.on('data', (chunk: Buffer) => relayed.push(Buffer.from(chunk)));
      from.pipe(to);
      from.on('error', () => to.destroy());
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(() => server.close());
  const own = await startPortMapper({ port: 0, host: '127.0.0.1' });
  closers.push(() => own.close());
  const registration = await registerWithPortMapper({
    name: 'bar',
    port: (server.address() as net.AddressInfo).port,
    portMapperPort: own.port,
    startOnDemand: false,
  });
  closers.push(() => registration.close());
  return own.port;
}

async function callFailure(from: DistributionTransport, to: string): Promise<string> {
  const error = await from.call(to, 's', 'f', [], 5000).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isDistributionError(error, 'DIST_HANDSHAKE_FAILED')).toBe(true);
  return (error as Error).message;
}

describe('distribution over TLS', () => {
  it('links two TLS nodes; the bytes between them carry neither the call nor the names', async () => {
    const { node: bar } = await start('bar', settings('bar'));
    const { node: foo } = await start('foo', settings('foo'), { portMapperPort: await relayedMapper(bar.port!) });
    await expect(foo.call('bar@127.0.0.1', 's', 'f', ['marker-Zq81'], 5000)).resolves.toBe('bar ran f(marker-Zq81)');
    expect(seen().length).toBeGreaterThan(0);
    expect(seen().includes('marker-Zq81')).toBe(false);
    expect(seen().includes('bar@127.0.0.1')).toBe(false);
  });

  it('the same relay sees the call without TLS (the check above can fail)', async () => {
    const { node: bar } = await start('bar', undefined);
    const { node: foo } = await start('foo', undefined, { portMapperPort: await relayedMapper(bar.port!) });
    await expect(foo.call('bar@127.0.0.1', 's', 'f', ['marker-Zq81'], 5000)).resolves.toBe('bar ran f(marker-Zq81)');
    expect(seen().includes('marker-Zq81')).toBe(true);
  });

  it('a TLS node and a plain node refuse each other, one line on each side', async () => {
    const { node: secure, log: secureLog } = await start('secure', settings('bar'));
    const { node: plain, log: plainLog } = await start('plain', undefined);
    expect(await callFailure(plain, 'secure@127.0.0.1')).toBe(
      'could not connect to node "secure@127.0.0.1": it refused the connection: this node accepts only TLS links (RELEASE_DIST_TLS): set it on this node too',
    );
    await waitFor(() => secureLog.lines.length === 1, { what: 'the TLS node to log the refusal' });
    expect(secureLog.lines[0]).toMatch(
      /^refused connection from an unnamed peer \(127\.0\.0\.1:\d+\): it does not use TLS, and this node requires it \(RELEASE_DIST_TLS\)$/,
    );

    expect(await callFailure(secure, 'plain@127.0.0.1')).toBe(
      'could not connect to node "plain@127.0.0.1": it does not use TLS (RELEASE_DIST_TLS is set on this node only)',
    );
    await waitFor(() => plainLog.lines.length === 1, { what: 'the plain node to log the refusal' });
    expect(plainLog.lines[0]).toMatch(
      /^refused connection from an unnamed peer \(127\.0\.0\.1:\d+\): it uses TLS, and this node does not \(RELEASE_DIST_TLS is not set here\)$/,
    );
  });

  it.each([
    ['expired', 'the certificate has expired (CERT_HAS_EXPIRED)'],
    ['stranger', 'the certificate is not signed by the cluster CA (ca)'],
  ])('refuses a dialer whose certificate is %s, naming the reason on both sides', async (who, reason) => {
    const { log: barLog } = await start('bar', settings('bar'));
    const { node: dialer } = await start(who, settings(who));
    const message = await callFailure(dialer, 'bar@127.0.0.1');
    expect(message).toContain(`could not connect to node "bar@127.0.0.1": `);
    expect(message).toContain(`this node refused its TLS certificate: ${reason}`);
    await waitFor(() => barLog.lines.length === 1, { what: 'bar to log the refusal' });
    expect(barLog.lines[0]).toContain(`its TLS certificate is refused: ${reason}`);
  });

  it('refuses an acceptor whose certificate is expired, naming the reason', async () => {
    await start('old', settings('expired'));
    const { node: foo } = await start('foo', settings('foo'));
    expect(await callFailure(foo, 'old@127.0.0.1')).toBe(
      'could not connect to node "old@127.0.0.1": its TLS certificate is refused: the certificate has expired (CERT_HAS_EXPIRED)',
    );
  });

  it.each([
    ['missing.json', undefined, 'no such file'],
    ['bad.json', '{', 'is not valid JSON'],
    ['nokey.json', '{"cert": "foo.pem", "ca": "ca.pem"}', '"key" must name a file'],
    ['noca.json', '{"cert": "foo.pem", "key": "foo.key"}', '"ca" must name a file (required while "verify" is true)'],
    ['typo.json', '{"cert": "foo.pem", "key": "foo.key", "ca": "ca.pem", "verfy": false}', 'unknown setting "verfy"'],
    ['gone.json', '{"cert": "nope.pem", "key": "foo.key", "ca": "ca.pem"}', '"cert" file nope.pem cannot be read (ENOENT)'],
    ['mismatch.json', '{"cert": "foo.pem", "key": "bar.key", "ca": "ca.pem"}', 'cert, key or ca is not usable'],
  ])('a bad settings file (%s) is one DIST_BAD_TLS_CONFIG line', (name, content, reason) => {
    const file = join(dir, name);
    if (content !== undefined) writeFileSync(file, content);
    const error = (() => {
      try {
        loadDistTls(file);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(isDistributionError(error, 'DIST_BAD_TLS_CONFIG')).toBe(true);
    expect((error as Error).message).toContain(`RELEASE_DIST_TLS file ${file}: ${reason}`);
    expect((error as Error).message).not.toContain('\n');
  });
});
