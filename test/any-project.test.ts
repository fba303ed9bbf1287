/**
 * Issue 9: kvrel releases a project nobody on this team wrote (test/fixtures/any-project), installed
 * from the packed tarballs as a user installs it. Its api release (fastify + pino transport, a
 * CommonJS package with an N-API addon, figlet's fonts read beside its code, a worker file, a JSON
 * import, top-level await, priv/, an overlay) and its db release (better-sqlite3, a NAN addon) are
 * built, copied elsewhere and run with no `node` on PATH; the same routes answer under `kvrel run`.
 * The first test runs the api with plain Node 26 and no kvrel, so a failure below is kvrel's, not
 * the fixture's.
 */
import { execa } from 'execa';
import { cpSync, existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ensureEmbeddedNode } from '../packages/kvrel/src/build/sea/embedded-node.js';
import { anyProject, userEnv, type AnyProject } from './helpers/any-project.js';
import { freePort } from './helpers/free-port.js';
import { pathWithoutNode } from './helpers/path-without-node.js';
import { startPortMapper } from './helpers/port-mapper.js';
import { alive, start, stopAll, trackPid } from './helpers/processes.js';
import { tempDirsForThisFile } from './helpers/temp-dirs.js';
import { waitFor } from './helpers/wait-for.js';

/** Installing the fixture compiles better-sqlite3: minutes on a busy 2-core machine, once per run. */
const INSTALL_TIMEOUT = 600_000;
/** A build is stopped (and its output shown) this long after it started; the test waits a minute more. */
const BUILD_TIMEOUT = 240_000;
const TEST_SLACK = 60_000;
/** The db release rebuilds better-sqlite3 for the embedded Node. */
const NATIVE_BUILD_TIMEOUT = 600_000;

/** figlet's Standard font, read from the fonts folder beside figlet's own code. */
const BANNER = [
  '  _                    _ ',
  ' | | ____   ___ __ ___| |',
  " | |/ /\\ \\ / / '__/ _ \\ |",
  ' |   <  \\ V /| | |  __/ |',
  ' |_|\\_\\  \\_/ |_|  \\___|_|',
  '                         ',
].join('\n');

let project: AnyProject;
const tempDir = tempDirsForThisFile('kvrel-any');

beforeAll(async () => {
  project = await anyProject();
}, INSTALL_TIMEOUT);

afterEach(async () => {
  await stopAll();
});

/** The fixture's own kvrel command (what `npx kvrel` runs), run directly so a timeout stops the build itself. */
function kvrel(args: readonly string[], timeout = BUILD_TIMEOUT) {
  return execa(join(project.dir, 'node_modules', '.bin', 'kvrel'), args, {
    cwd: project.dir,
    env: userEnv(),
    extendEnv: false,
    reject: false,
    all: true,
    timeout,
  });
}

async function buildRelease(args: readonly string[], timeout = BUILD_TIMEOUT): Promise<void> {
  const result = await kvrel(['release', ...args], timeout);
  expect(result.exitCode, `kvrel release ${args.join(' ')}:\n${result.all}`).toBe(0);
}

/** A copy of _build/prod/rel/<name> in a temp folder of its own. */
function copyBuilt(name: string): string {
  const target = join(tempDir(name), name);
  cpSync(join(project.dir, '_build', 'prod', 'rel', name), target, { recursive: true });
  return target;
}

async function get(base: string, path: string): Promise<{ status: number; type: string; text: string }> {
  const response = await fetch(`${base}${path}`);
  return { status: response.status, type: response.headers.get('content-type') ?? '', text: await response.text() };
}

async function getJson(base: string, path: string): Promise<unknown> {
  const { status, text } = await get(base, path);
  expect(status, `${path}: ${text}`).toBe(200);
  return JSON.parse(text) as unknown;
}

/** Every route of the api answers as under plain Node; /boom's stack names `stackFile`. */
async function checkRoutes(port: number, stackFile: RegExp): Promise<void> {
  const base = `http://127.0.0.1:${port}`;
  expect(await getJson(base, '/health')).toEqual({ status: 'ok' });
  const hashed = (await getJson(base, '/hash?pw=s3cret')) as { hash: string; verified: boolean };
  expect(hashed.hash).toMatch(/^\$2b\$04\$/);
  expect(hashed.verified).toBe(true);
  expect((await get(base, '/banner')).text).toBe(BANNER);
  expect(await getJson(base, '/worker?n=20')).toMatchObject({ n: 20, result: 6765 });
  expect(((await getJson(base, '/worker?n=1')) as { threadId: number }).threadId).toBeGreaterThan(0);
  expect(await getJson(base, '/json')).toEqual({ name: 'any-project', primes: [2, 3, 5, 7] });
  expect(await getJson(base, '/tla')).toEqual({ loadedWith: 'top-level await' });
  expect(await get(base, '/priv')).toMatchObject({ status: 200, text: 'hello from apps/api/priv\n' });
  const boom = await get(base, '/boom');
  expect(boom.status).toBe(500);
  const { message, stack } = JSON.parse(boom.text) as { message: string; stack: string };
  expect(message).toBe('boom from the api');
  expect(stack).toMatch(stackFile);
}

/** The pino transport (a worker thread writing the file) logged the requests. */
async function checkTransportLog(logFile: string): Promise<void> {
  await waitFor(() => existsSync(logFile) && readFileSync(logFile, 'utf8').includes('"url":"/health"'), {
    what: `the pino transport to write ${logFile}`,
    details: () => (existsSync(logFile) ? readFileSync(logFile, 'utf8').slice(-2000) : '(no file)'),
  });
}

/** The environment of a release's commands: its own ports, distribution by name, no node on PATH. */
async function releaseEnv(nodeName: string, dir: string): Promise<Record<string, string | undefined>> {
  return userEnv({
    PATH: pathWithoutNode(dir),
    PORT: String(await freePort()),
    KVREL_PORT_MAPPER_PORT: String(await startPortMapper()),
    RELEASE_DISTRIBUTION: 'name',
    RELEASE_NODE: `${nodeName}@127.0.0.1`,
    API_LOG_FILE: join(dir, 'api.log'),
  });
}

function releaseBin(release: string, name: string, args: readonly string[], env: Record<string, string | undefined>) {
  return execa(join(release, 'bin', name), args, { env, extendEnv: false, reject: false, all: true, timeout: 60_000 });
}

/** `bin/<name> daemon`; the node's pid is tracked so a failing test still stops it. */
async function daemon(release: string, name: string, env: Record<string, string | undefined>): Promise<number> {
  const result = await releaseBin(release, name, ['daemon'], env);
  const pidFile = join(env['RELEASE_TMP'] ?? join(release, 'tmp'), `${name}.pid`);
  const pid = existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8')) : undefined;
  if (pid) trackPid(pid);
  expect(result.exitCode, `bin/${name} daemon:\n${result.all}`).toBe(0);
  return pid!;
}

async function stopDaemon(release: string, name: string, env: Record<string, string | undefined>, pid: number): Promise<void> {
  const stopped = await releaseBin(release, name, ['stop'], env);
  expect(stopped.exitCode, `bin/${name} stop:\n${stopped.all}`).toBe(0);
  expect(alive(pid)).toBe(false);
}

describe('the fixture itself', () => {
  it('has a working npx kvrel from the tarballs: --help, init', async () => {
    const npx = (args: readonly string[]) =>
      execa('npx', ['kvrel', ...args], { cwd: project.dir, env: userEnv(), extendEnv: false, reject: false, all: true, timeout: 60_000 });
    const help = await npx(['--help']);
    expect(help.exitCode, help.all).toBe(0);
    expect(help.stdout).toMatch(/release \[options\] \[name\]/);
    const init = await npx(['init']);
    expect(init.exitCode, init.all).toBe(0);
    expect(readdirSync(join(project.dir, 'rel')).sort()).toEqual(['env.sh.eex', 'overlays', 'remote.vm.args.eex', 'vm.args.eex']);
  });

  it('runs under plain Node 26 without kvrel (tsc, then node dist/standalone.js)', async () => {
    const compiled = await execa('npx', ['tsc', '-p', 'apps/api'], { cwd: project.dir, env: userEnv(), extendEnv: false, reject: false, all: true });
    expect(compiled.exitCode, compiled.all).toBe(0);
    const port = await freePort();
    const logFile = join(tempDir('standalone'), 'api.log');
    const node26 = await ensureEmbeddedNode();
    const api = start(node26, [join(project.dir, 'apps', 'api', 'dist', 'standalone.js')], {
      cwd: project.dir,
      env: { PORT: String(port), API_LOG_FILE: logFile },
    });
    await waitFor(() => api.output().includes('listening on'), { what: 'the standalone api to listen', details: () => api.output() });
    await checkRoutes(port, /apps\/api\/dist\/server\.js:\d+/);
    await checkTransportLog(logFile);
  });
});

describe('release api (fastify, pino transport, N-API addon, worker, files beside code, priv, overlay)', () => {
  let release: string;

  beforeAll(async () => {
    await buildRelease(['api']);
    release = copyBuilt('api');
  }, BUILD_TIMEOUT + TEST_SLACK);

  it('a copy boots with no node on PATH and answers every route; rpc reads the jobs count; stacks name the .ts source', async () => {
    const env = await releaseEnv('api', join(release, '..'));
    const pid = await daemon(release, 'api', env);
    await checkRoutes(Number(env['PORT']), /apps\/api\/src\/server\.ts:\d+/);
    await checkTransportLog(env['API_LOG_FILE']!);
    const jobs = await waitFor(
      async () => {
        const rpc = await releaseBin(release, 'api', ['rpc', 'Jobs.count()'], env);
        return rpc.exitCode === 0 && Number(rpc.stdout) > 0 ? Number(rpc.stdout) : undefined;
      },
      { what: 'rpc Jobs.count() to be positive' },
    );
    expect(jobs).toBeGreaterThan(0);
    const facts = await releaseBin(release, 'api', ['rpc', '[process.version, process.env.NODE_ENV, Api.loadedWith].join(" ")'], env);
    expect(facts.stdout).toMatch(/^v26\.\d+\.\d+ production top-level await$/);
    expect(readFileSync(join(release, 'README.txt'), 'utf8')).toContain('rel/overlays/');
    await stopDaemon(release, 'api', env, pid);
  });
});

describe('kvrel run in the fixture', () => {
  it('serves the same routes from source, stacks naming the .ts source', async () => {
    const port = await freePort();
    const logFile = join(tempDir('run'), 'api.log');
    const node = start(join(project.dir, 'node_modules', '.bin', 'kvrel'), ['run'], {
      cwd: project.dir,
      env: userEnv({ PORT: String(port), API_LOG_FILE: logFile }),
    });
    let exited = false;
    void node.exit.then(() => (exited = true));
    const outcome = await waitFor(() => (node.output().includes(' started on ') ? 'started' : exited && 'exited'), {
      what: 'kvrel run to start',
      timeoutMs: 60_000,
      details: () => node.output(),
    });
    expect(outcome, node.output()).toBe('started');
    // better-sqlite3 in node_modules was compiled by npm for the host's Node: kvrel run loads a copy
    // rebuilt for the embedded Node (the release build's cached rebuild), and node_modules stays as npm left it.
    expect(node.output()).not.toContain('warning:');
    expect(node.output()).toContain('Node v26.12.1)');
    const hostLoad = await execa(process.execPath, ['-e', "new (require('better-sqlite3'))(':memory:').close()"], {
      cwd: join(project.dir, 'apps', 'db'),
      reject: false,
    });
    expect(hostLoad.stderr).toBe('');
    await checkRoutes(port, /apps\/api\/src\/server\.ts:\d+/);
    await checkTransportLog(logFile);
  }, 120_000);
});

describe('--tar after a version bump', () => {
  it(
    'holds only the new version, and the unpacked tarball boots elsewhere',
    async () => {
      const config = join(project.dir, 'releases.config.ts');
      const original = readFileSync(config, 'utf8');
      try {
        await buildRelease(['api']);
        writeFileSync(config, original.replace("api: { version: '1.0.0'", "api: { version: '1.0.1'"));
        await buildRelease(['api', '--tar']);
      } finally {
        writeFileSync(config, original);
      }
      expect(readdirSync(join(project.dir, '_build', 'prod', 'rel', 'api', 'releases')).filter((f) => f !== 'COOKIE')).toEqual(['1.0.1']);
      const tarball = join(project.dir, '_build', 'prod', 'api-1.0.1.tar.gz');
      const entries = (await execa('tar', ['-tzf', tarball])).stdout.split('\n');
      expect(entries.some((e) => /(^|\/)releases\/1\.0\.1\//.test(e))).toBe(true);
      expect(entries.filter((e) => /(^|\/)releases\/1\.0\.0/.test(e))).toEqual([]);

      const dir = tempDir('untar');
      await execa('tar', ['-xzf', tarball, '-C', dir]);
      const env = await releaseEnv('api', dir);
      const pid = await daemon(dir, 'api', env);
      const base = `http://127.0.0.1:${env['PORT']}`;
      expect(await getJson(base, '/health')).toEqual({ status: 'ok' });
      expect((await get(base, '/priv')).text).toBe('hello from apps/api/priv\n');
      expect(existsSync(join(dir, 'README.txt'))).toBe(true);
      expect((await releaseBin(dir, 'api', ['version'], env)).stdout).toBe('api 1.0.1');
      await stopDaemon(dir, 'api', env, pid);
    },
    2 * BUILD_TIMEOUT + TEST_SLACK,
  );
});

describe('release db (better-sqlite3, a NAN addon built for another Node ABI)', () => {
  it(
    'builds, and a copy answers a query through rpc with no node on PATH',
    async () => {
      await buildRelease(['db'], NATIVE_BUILD_TIMEOUT);
      const release = copyBuilt('db');
      const env = await releaseEnv('db', join(release, '..'));
      const pid = await daemon(release, 'db', env);
      const answer = await releaseBin(release, 'db', ['rpc', 'JSON.stringify(Db.query("select text from greetings where id = ?", 1))'], env);
      expect(answer.stdout, answer.all).toBe('[{"text":"hello from sqlite"}]');
      expect((await releaseBin(release, 'db', ['rpc', 'process.version'], env)).stdout).toMatch(/^v26\./);
      await stopDaemon(release, 'db', env, pid);
    },
    NATIVE_BUILD_TIMEOUT + TEST_SLACK,
  );
});
