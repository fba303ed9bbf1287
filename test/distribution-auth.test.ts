/**
 * Distribution across two hosts (issue 17): foo and bar in two network namespaces joined by a router
 * namespace, where a man in the middle (helpers/frame-proxy.mjs) relays foo's link to bar and can
 * write into it. bar's name points at the router (bar@10.217.1.1, both nodes pinned to one port), so
 * every link foo dials to bar crosses the proxy.
 *
 * - Default (no TLS), frames are authenticated: a system.eval frame injected into the link, or a
 *   frame of it replayed, is refused and logged by bar, runs nothing, and routing resumes over a new
 *   link. The proxy sees the link's plaintext (the control of the TLS check).
 * - With RELEASE_DIST_TLS on both (foo by --dist-tls, bar by the variable): the proxy sees neither a
 *   marker sent through rpc nor a kv value; rpc/remote/ping/status/pid/stop work with the same file;
 *   a client without it is refused, one line on each side.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { Packr } from 'msgpackr';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTwoHosts, type TwoHosts } from './helpers/netns.js';
import { start, stopAll, type Started } from './helpers/processes.js';
import { builtRelease } from './helpers/releases.js';
import { kvrelBin, repoRoot } from './helpers/repo.js';
import { waitFor } from './helpers/wait-for.js';

const COOKIE = 'dist-auth-cookie-8d2f61c0a9';
const MAPPER_PORT = '4370';
const DIST_PORT = '4371';
let hosts: TwoHosts;
let dir: string;
let proxy: Started;
let FOO: string;
let BAR: string;

function inNamespace(ns: string, file: string, args: readonly string[], env: Record<string, string | undefined>): Started {
  return start('ip', [...hosts.exec(ns), file, ...args], { cwd: repoRoot, env });
}

/** One command to the proxy, over its Unix socket. */
function ask(command: Record<string, string>): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(join(dir, 'proxy.sock'));
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      text += chunk;
      if (text.includes('\n')) {
        socket.destroy();
        resolve(JSON.parse(text) as Record<string, unknown>);
      }
    });
    socket.on('error', reject);
    socket.write(`${JSON.stringify(command)}\n`);
  });
}

async function startMapper(ns: string): Promise<void> {
  inNamespace(ns, process.execPath, [kvrelBin], { KVREL_RUN_PORT_MAPPER: '1', KVREL_PORT_MAPPER_PORT: MAPPER_PORT });
  const probe = `require('net').connect(${MAPPER_PORT}, '127.0.0.1').on('connect', () => process.exit(0)).on('error', () => process.exit(1))`;
  await waitFor(async () => (await execa('ip', [...hosts.exec(ns), process.execPath, '-e', probe], { reject: false })).exitCode === 0, {
    what: `the port mapper in ${ns}`,
  });
}

function startNode(ns: string, name: string, extraArgs: readonly string[] = [], env: Record<string, string> = {}): Started {
  return inNamespace(ns, process.execPath, [kvrelBin, 'run', '--name', name, ...extraArgs], {
    RELEASE_COOKIE: COOKIE,
    PORT: '0',
    KV_ROUTING_TABLE: `a-m=${FOO},n-z=${BAR}`,
    KVREL_PORT_MAPPER_PORT: MAPPER_PORT,
    KVREL_DIST_PORT: DIST_PORT,
    ...env,
  });
}

async function booted(node: Started, name: string): Promise<void> {
  await waitFor(() => node.output().includes(`started on ${name}`), { what: `${name} to boot`, details: () => node.output() });
}

/** `bin/foo COMMAND ...` run in foo's namespace, aimed at foo. */
function client(args: readonly string[], env: Record<string, string> = {}, input?: string) {
  return execa('ip', [...hosts.exec(hosts.a), join(builtRelease('foo'), 'bin', 'foo'), ...args], {
    reject: false,
    ...(input !== undefined && { input }),
    env: { RELEASE_NODE: FOO, RELEASE_DISTRIBUTION: 'name', RELEASE_COOKIE: COOKIE, KVREL_PORT_MAPPER_PORT: MAPPER_PORT, KVREL_DIST_PORT: DIST_PORT, ...env },
  });
}

/** An expression that appends a line to `file` on the node that runs it. */
function appendLine(file: string): string {
  return `process.getBuiltinModule('node:fs').appendFileSync(${JSON.stringify(file)}, 'ran\\n')`;
}

/** The frame a peer would send to run system.eval(expression): length, then the msgpack message (no tag). */
function evalFrame(expression: string): Buffer {
  const payload = new Packr({ useRecords: false, moreTypes: false, structuredClone: false }).pack([1, 4242, 'system', 'eval', [expression, {}]]);
  const header = Buffer.alloc(4);
  header.writeUInt32BE(payload.length);
  return Buffer.concat([header, payload]);
}

function lines(file: string): number {
  return existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean).length : 0;
}

async function stopNode(node: Started): Promise<void> {
  process.kill(node.pid, 'SIGTERM');
  await node.exit;
}

beforeAll(async () => {
  hosts = createTwoHosts();
  dir = mkdtempSync(join(tmpdir(), 'kvrel-dist-auth-'));
  FOO = `foo@${hosts.aAddress}`;
  BAR = `bar@${hosts.routerOnA}`;
  proxy = inNamespace(
    hosts.router,
    process.execPath,
    [join(repoRoot, 'test', 'helpers', 'frame-proxy.mjs'), hosts.routerOnA, DIST_PORT, hosts.bAddress, join(dir, 'proxy.sock')],
    {},
  );
  await waitFor(() => proxy.output().includes('relaying'), { what: 'the proxy to listen', details: () => proxy.output() });
  await Promise.all([startMapper(hosts.a), startMapper(hosts.b)]);
});

afterAll(async () => {
  await stopAll();
  hosts?.remove();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('authenticated frames (the default)', () => {
  let foo: Started;
  let bar: Started;

  beforeAll(async () => {
    foo = startNode(hosts.a, FOO);
    bar = startNode(hosts.b, BAR);
    await Promise.all([booted(foo, FOO), booted(bar, BAR)]);
  });

  afterAll(async () => {
    await Promise.all([foo, bar].filter(Boolean).map(stopNode));
  });

  it('an injected system.eval frame is refused, logged, runs nothing, and routing resumes on a new link', async () => {
    const put = await client(['rpc', `await KV.create('zebra'); await KV.put('zebra', 'milk', '1'); await KV.get('zebra', 'milk')`]);
    expect(put.stderr).toBe('');
    expect(put.stdout).toBe('1');
    // The control: the same expression, sent by foo over the link, runs on bar.
    const control = join(dir, 'control');
    expect((await client(['rpc', `await Node.call('${BAR}', 'system', 'eval', [${JSON.stringify(appendLine(control))}, {}])`])).exitCode).toBe(0);
    expect(lines(control)).toBe(1);
    expect((await ask({ do: 'seen', text: 'zebra' })).seen).toBe(true); // plaintext on the wire without TLS

    const marker = join(dir, 'injected');
    const before = bar.output().length;
    await ask({ do: 'inject', hex: evalFrame(appendLine(marker)).toString('hex') });
    await waitFor(() => bar.output().slice(before).includes(`closed the link to node "${FOO}": a frame from ${hosts.routerOnB}:`), {
      what: 'bar to log the forged frame',
      details: () => bar.output().slice(before),
    });
    expect(bar.output().slice(before)).toMatch(
      new RegExp(
        /\[warning\] distribution: closed the link to node "foo@10\.217\.1\.2": a frame from 10\.217\.2\.1:\d+ failed authentication /.source +
          /\(injected, replayed, reordered or altered on the way\); nothing in it was run/.source,
      ),
    );
    expect(existsSync(marker)).toBe(false);

    await waitFor(async () => (await client(['rpc', `await KV.put('zebra', 'milk', '2'); await KV.get('zebra', 'milk')`])).stdout === '2', {
      what: 'routing to bar to resume',
      details: () => foo.output(),
    });
    expect((await ask({ do: 'links' })).links).toBeGreaterThanOrEqual(2);
    expect(existsSync(marker)).toBe(false);
  });

  it('a replayed frame of the link is refused and does not run again', async () => {
    const once = join(dir, 'once');
    expect((await client(['rpc', `await Node.call('${BAR}', 'system', 'eval', [${JSON.stringify(appendLine(once))}, {}])`])).exitCode).toBe(0);
    expect(lines(once)).toBe(1);
    const before = bar.output().length;
    await ask({ do: 'replay' });
    await waitFor(() => bar.output().slice(before).includes('failed authentication'), {
      what: 'bar to refuse the replay',
      details: () => bar.output().slice(before),
    });
    expect(lines(once)).toBe(1);
    await waitFor(async () => (await client(['rpc', `await KV.get('zebra', 'milk')`])).stdout === '2', { what: 'routing to resume after the replay' });
  });
});

describe('distribution over TLS (RELEASE_DIST_TLS)', () => {
  let foo: Started;
  let bar: Started;
  let settings: string;

  beforeAll(async () => {
    const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
    openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '30', '-subj', '/CN=kv-cluster-ca');
    openssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'node.key', '-out', 'node.csr', '-subj', '/CN=kv-node');
    openssl('x509', '-req', '-in', 'node.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'node.pem', '-days', '30');
    settings = join(dir, 'dist-tls.json');
    writeFileSync(settings, JSON.stringify({ cert: 'node.pem', key: 'node.key', ca: 'ca.pem' }));
    foo = startNode(hosts.a, FOO, ['--dist-tls', settings]);
    bar = startNode(hosts.b, BAR, [], { RELEASE_DIST_TLS: settings });
    await Promise.all([booted(foo, FOO), booted(bar, BAR)]);
  });

  it('the link carries neither a marker sent through rpc nor a kv value in the clear', async () => {
    const linksBefore = (await ask({ do: 'links' })).links as number;
    const result = await client(
      [
        'rpc',
        `await KV.create('zulu'); await KV.put('zulu', 'secret', 'kv-value-Qx7'); [await KV.get('zulu', 'secret'), await Node.call('${BAR}', ` +
          `'system', 'eval', ['"marker-" + "Rz5" + "-" + Node.self()', {}])]`,
      ],
      { RELEASE_DIST_TLS: settings },
    );
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain("'kv-value-Qx7'");
    expect(result.stdout).toContain(`marker-Rz5-${BAR}`);
    expect((await ask({ do: 'links' })).links).toBeGreaterThan(linksBefore); // it did cross the proxy
    expect((await ask({ do: 'seen', text: 'kv-value-Qx7' })).seen).toBe(false);
    expect((await ask({ do: 'seen', text: 'marker-Rz5' })).seen).toBe(false);
    expect((await ask({ do: 'seen', text: 'zulu' })).seen).toBe(false);
  });

  it('a client without the file is refused, one line on each side', async () => {
    const before = foo.output().length;
    const result = await client(['rpc', '1+1']);
    expect(result.exitCode).not.toBe(0);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain(`could not connect to node "${FOO}": it refused the connection: this node accepts only TLS links (RELEASE_DIST_TLS)`);
    await waitFor(() => foo.output().slice(before).includes('it does not use TLS, and this node requires it (RELEASE_DIST_TLS)'), {
      what: 'foo to log the refusal',
      details: () => foo.output().slice(before),
    });
  });

  it('a bad settings file is one coded line', async () => {
    const missing = join(dir, 'missing.json');
    const result = await client(['ping'], { RELEASE_DIST_TLS: missing });
    expect(result.exitCode).not.toBe(0);
    expect(result.stderr.trim()).toBe(
      `ERROR: RELEASE_DIST_TLS file ${missing}: no such file; it must be JSON like {"cert": "node.pem", "key": "node.key", "ca": "ca.pem"}`,
    );
  });

  it('rpc, remote, ping, status, pid and stop work with the same file', async () => {
    const env = { RELEASE_DIST_TLS: settings };
    expect((await client(['rpc', '1+1'], env)).stdout).toBe('2');
    expect((await client(['ping'], env)).stdout).toBe('pong');
    const status = await client(['status'], env);
    expect(status.exitCode, status.stderr).toBe(0);
    expect(status.stdout).toContain(FOO);
    // kvrel run starts the node as its child on the embedded Node: the pid its boot line names.
    const nodePid = new RegExp(`started on ${FOO.replace(/[.]/g, '\\.')} \\(pid (\\d+)`).exec(foo.output())?.[1];
    expect((await client(['pid'], env)).stdout).toBe(nodePid);
    const remote = await client(['remote'], env, 'Node.self()\n');
    expect(remote.stdout).toContain(FOO);
    const stop = await client(['stop'], env);
    expect(stop.exitCode, stop.stderr).toBe(0);
    expect(await foo.exit).toMatchObject({ code: 0 });
  });
});
