/**
 * Issue 14: code that runs under node runs in a release and under `kvrel run`, unchanged
 * (test/fixtures/node-patterns, installed from the packed tarballs): express-generator's app (views and
 * public/ through __dirname), an ES module reading views and a locales folder beside itself
 * (import.meta.dirname, a directory URL), a CommonJS workspace reading templates through __dirname, a
 * `child_process.fork` of a project file with IPC, and a node:cluster of two workers on one port.
 */
import { execa } from 'execa';
import { cpSync, existsSync, readFileSync } from 'node:fs';
import { get } from 'node:http';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { installedFixture, kvrelIn, userEnv, type AnyProject } from './helpers/any-project.js';
import { freePort } from './helpers/free-port.js';
import { pathWithoutNode } from './helpers/path-without-node.js';
import { startPortMapper } from './helpers/port-mapper.js';
import { alive, start, stopAll, trackPid } from './helpers/processes.js';
import { tempDirsForThisFile } from './helpers/temp-dirs.js';
import { waitFor } from './helpers/wait-for.js';

const INSTALL_TIMEOUT = 300_000;
const BUILD_TIMEOUT = 240_000;

let project: AnyProject;
const tempDir = tempDirsForThisFile('kvrel-patterns');

beforeAll(async () => {
  project = await installedFixture('node-patterns');
}, INSTALL_TIMEOUT);

afterEach(async () => {
  await stopAll();
});

interface Ports {
  readonly site: number;
  readonly web: number;
  readonly legacy: number;
  readonly workers: number;
}

async function freePorts(): Promise<Ports> {
  return { site: await freePort(), web: await freePort(), legacy: await freePort(), workers: await freePort() };
}

function portEnv(ports: Ports): Record<string, string> {
  return { SITE_PORT: String(ports.site), WEB_PORT: String(ports.web), LEGACY_PORT: String(ports.legacy), WORKERS_PORT: String(ports.workers) };
}

async function text(port: number, path: string): Promise<{ status: number; body: string }> {
  const response = await fetch(`http://127.0.0.1:${port}${path}`);
  return { status: response.status, body: await response.text() };
}

/** One request on a connection of its own (the cluster's primary hands connections, not requests, round robin). */
function onNewConnection(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    get({ host: '127.0.0.1', port, path: '/', agent: false }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve(body));
    }).on('error', reject);
  });
}

/** The cluster's pids: asks until two different workers have answered. */
async function clusterPids(port: number, details: () => string): Promise<number[]> {
  const pids = new Set<number>();
  await waitFor(
    async () => {
      pids.add((JSON.parse(await onNewConnection(port)) as { pid: number }).pid);
      return pids.size >= 2;
    },
    { what: 'two cluster workers to answer', timeoutMs: 60_000, details: () => `pids seen: ${[...pids].join(', ')}\n${details()}` },
  );
  return [...pids];
}

/** Every pattern answers as under plain node; `libDir` is where the web module must find itself. */
async function checkPatterns(ports: Ports, nodePid: number, webDir: RegExp, output: () => string): Promise<number[]> {
  const home = await text(ports.site, '/');
  expect(home.body).toContain('<p>Welcome to Express</p>');
  expect(await text(ports.site, '/stylesheets/style.css')).toMatchObject({ status: 200, body: expect.stringContaining('padding: 50px') });
  expect((await text(ports.site, '/users')).body).toBe('respond with a resource');

  expect((await text(ports.web, '/?lang=fr')).body).toContain('<h1>Bonjour depuis le dossier locales</h1><p>languages: en,fr</p>');
  const where = JSON.parse((await text(ports.web, '/where')).body) as { dirname: string; filename: string; url: string };
  expect(where.dirname).toMatch(webDir);
  expect(where.filename).toBe(join(where.dirname, 'app.ts'));
  expect(where.url).toBe(`file://${where.filename}`);

  const squared = JSON.parse((await text(ports.web, '/square/7')).body) as { square: number; pid: number; argv: string[] };
  expect(squared).toMatchObject({ square: 49, argv: ['--from-parent'] });
  expect(squared.pid).not.toBe(nodePid);

  expect((await text(ports.legacy, '/')).body).toBe('legacy page from application.ts in src\n');

  const workers = await clusterPids(ports.workers, output);
  for (const pid of workers) {
    trackPid(pid);
    expect(pid).not.toBe(nodePid);
  }
  return workers;
}

describe('release patterns', () => {
  let release: string;

  beforeAll(async () => {
    const built = await kvrelIn(project.dir, ['release', 'patterns'], BUILD_TIMEOUT);
    expect(built.exitCode, built.all).toBe(0);
    expect(built.stdout).toMatch(/copying files beside the code \(apps\/legacy, apps\/site, apps\/web \(\d+ copied\)\)/);
    release = join(tempDir('release'), 'patterns');
    cpSync(join(project.dir, '_build', 'prod', 'rel', 'patterns'), release, { recursive: true });
  }, BUILD_TIMEOUT + 60_000);

  it('a copy with no node on PATH serves views, public files, locales, templates, a fork and a cluster; stop takes the workers down', async () => {
    const ports = await freePorts();
    const env = userEnv({
      ...portEnv(ports),
      PATH: pathWithoutNode(join(release, '..')),
      KVREL_PORT_MAPPER_PORT: String(await startPortMapper()),
      RELEASE_DISTRIBUTION: 'name',
      RELEASE_NODE: 'patterns@127.0.0.1',
    });
    const bin = (args: readonly string[]) =>
      execa(join(release, 'bin', 'patterns'), args, { env, extendEnv: false, reject: false, all: true, timeout: 60_000 });
    const daemon = await bin(['daemon']);
    const pidFile = join(release, 'tmp', 'patterns.pid');
    const pid = existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8')) : 0;
    if (pid) trackPid(pid);
    expect(daemon.exitCode, daemon.all).toBe(0);

    const log = () => readFileSync(join(release, 'tmp', 'log', 'patterns.log.1'), 'utf8');
    const workers = await checkPatterns(ports, pid, new RegExp(`^${release}/releases/1\\.0\\.0/lib/apps/web/src$`), log);
    // Only the application that forked them runs in the workers: one node name, one site listener.
    expect((await bin(['rpc', 'Node.self()'])).stdout).toBe('patterns@127.0.0.1');

    const stopped = await bin(['stop']);
    expect(stopped.exitCode, stopped.all).toBe(0);
    expect(alive(pid)).toBe(false);
    await waitFor(() => workers.every((w) => !alive(w)), { what: 'the cluster workers to exit with the node' });
  }, 120_000);
});

describe('kvrel run', () => {
  it('serves the same patterns from source; the workers exit with the node', async () => {
    const ports = await freePorts();
    const node = start(join(project.dir, 'node_modules', '.bin', 'kvrel'), ['run'], { cwd: project.dir, env: userEnv(portEnv(ports)) });
    await waitFor(() => node.output().includes('started on nonode@nohost'), { what: 'kvrel run to start', timeoutMs: 120_000, details: () => node.output() });
    const workers = await checkPatterns(ports, node.pid, new RegExp(`^${project.dir}/_build/dev/run/node-\\d+/apps/web/src$`), () => node.output());
    process.kill(node.pid, 'SIGTERM');
    expect((await node.exit).code, node.output()).toBe(0);
    await waitFor(() => workers.every((w) => !alive(w)), { what: 'the cluster workers to exit with the node' });
  }, 240_000);
});
