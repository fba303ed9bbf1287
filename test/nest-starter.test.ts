/**
 * Issue 14: the project NestJS's official starter generates (test/fixtures/nest-starter), released as
 * generated. Its AppController gets its AppService by constructor type (`design:paramtypes`, which
 * only TypeScript emits: kvrel compiles decorated files with the project's TypeScript), and
 * @nestjs/common loads class-validator and class-transformer, which are not installed, only inside
 * a validation pipe or a serializer the starter never uses (kvrel leaves them to fail at run time, as
 * node does). `GET /` answers "Hello World!" under plain Node 24, from a copy of the release with no
 * `node` on PATH, and under `kvrel run`.
 *
 * The starter's @nestjs/observe posts telemetry to its cloud by default: every run here points it at
 * a sink on 127.0.0.1 (OBSERVE_ENDPOINT).
 */
import { execa } from 'execa';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ensureEmbeddedNode } from '../packages/kvrel/src/build/sea/embedded-node.js';
import { kvrelIn, userEnv } from './helpers/any-project.js';
import { freePort } from './helpers/free-port.js';
import { nestStarter } from './helpers/nest-starter.js';
import { pathWithoutNode } from './helpers/path-without-node.js';
import { startPortMapper } from './helpers/port-mapper.js';
import { alive, start, stopAll, trackPid } from './helpers/processes.js';
import { waitFor } from './helpers/wait-for.js';

/** npm ci of the starter (~500 packages) and the tarballs, from the npm cache when it has them. */
const INSTALL_TIMEOUT = 600_000;
const BUILD_TIMEOUT = 240_000;
const TEST_SLACK = 60_000;

let dir: string;
let sink: Server;
let observeEndpoint: string;
const temps: string[] = [];

beforeAll(async () => {
  sink = createServer((request, response) => {
    request.resume();
    request.on('end', () => response.end('{}'));
  });
  await new Promise<void>((ready) => sink.listen(0, '127.0.0.1', ready));
  observeEndpoint = `http://127.0.0.1:${(sink.address() as AddressInfo).port}`;
  dir = await nestStarter();
}, INSTALL_TIMEOUT);

afterEach(async () => {
  await stopAll();
});

afterAll(async () => {
  sink.closeAllConnections();
  await new Promise((closed) => sink.close(closed));
  for (const temp of temps.splice(0)) rmSync(temp, { recursive: true, force: true });
});

function tempDir(prefix: string): string {
  const temp = mkdtempSync(join(tmpdir(), `kvrel-nest-${prefix}-`));
  temps.push(temp);
  return temp;
}

async function expectHelloWorld(port: number): Promise<void> {
  const response = await fetch(`http://127.0.0.1:${port}/`);
  expect(await response.text()).toBe('Hello World!');
  expect(response.status).toBe(200);
}

async function waitForListening(port: number, output: () => string): Promise<void> {
  await waitFor(
    () =>
      fetch(`http://127.0.0.1:${port}/`).then(
        () => true,
        () => false,
      ),
    { what: `the starter to listen on ${port}`, timeoutMs: 60_000, details: output },
  );
}

it('runs under plain Node 24 without kvrel (nest build, then node dist/main)', async () => {
  const built = await execa('npm', ['run', 'build'], { cwd: dir, env: userEnv(), extendEnv: false, reject: false, all: true });
  expect(built.exitCode, built.all).toBe(0);
  const port = await freePort();
  const node24 = await ensureEmbeddedNode();
  const app = start(node24, [join(dir, 'dist', 'main.js')], { cwd: dir, env: { PORT: String(port), OBSERVE_ENDPOINT: observeEndpoint } });
  await waitForListening(port, app.output);
  await expectHelloWorld(port);
}, 180_000);

describe('release web', () => {
  it(
    'builds; a copy answers GET / with no node on PATH; rpc reaches the starter injected by type',
    async () => {
      const built = await kvrelIn(dir, ['release', 'web'], BUILD_TIMEOUT);
      expect(built.exitCode, built.all).toBe(0);
      const release = join(tempDir('release'), 'web');
      cpSync(join(dir, '_build', 'prod', 'rel', 'web'), release, { recursive: true });

      const env = userEnv({
        PATH: pathWithoutNode(join(release, '..')),
        PORT: String(await freePort()),
        KVREL_PORT_MAPPER_PORT: String(await startPortMapper()),
        RELEASE_DISTRIBUTION: 'name',
        RELEASE_NODE: 'web@127.0.0.1',
        OBSERVE_ENDPOINT: observeEndpoint,
      });
      const bin = (args: readonly string[]) => execa(join(release, 'bin', 'web'), args, { env, extendEnv: false, reject: false, all: true, timeout: 60_000 });
      const daemon = await bin(['daemon']);
      const pidFile = join(release, 'tmp', 'web.pid');
      const pid = existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8')) : undefined;
      if (pid) trackPid(pid);
      expect(daemon.exitCode, `bin/web daemon:\n${daemon.all}`).toBe(0);

      await expectHelloWorld(Number(env['PORT']));
      const answer = await bin(['rpc', 'new Web.AppService().getHello()']);
      expect(answer.stdout, answer.all).toBe('Hello World!');
      const stopped = await bin(['stop']);
      expect(stopped.exitCode, stopped.all).toBe(0);
      expect(alive(pid!)).toBe(false);
    },
    BUILD_TIMEOUT + TEST_SLACK,
  );
});

describe('kvrel run', () => {
  it('answers GET / from source', async () => {
    const port = await freePort();
    const node = start(join(dir, 'node_modules', '.bin', 'kvrel'), ['run'], {
      cwd: dir,
      env: userEnv({ PORT: String(port), OBSERVE_ENDPOINT: observeEndpoint }),
    });
    let exited = false;
    void node.exit.then(() => (exited = true));
    const outcome = await waitFor(() => (node.output().includes(' started on ') ? 'started' : exited && 'exited'), {
      what: 'kvrel run to start',
      timeoutMs: 120_000,
      details: () => node.output(),
    });
    expect(outcome, node.output()).toBe('started');
    await expectHelloWorld(port);
  }, 180_000);
});
