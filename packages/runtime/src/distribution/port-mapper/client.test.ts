import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startPortMapper, type PortMapper } from './server.js';
import { listRegisteredNames, lookupNodePort, registerWithPortMapper, type PortMapperRegistration } from './client.js';
import { portMapperSpawnCommand, setPortMapperSpawner } from './spawner.js';
import type { Logger } from '../../logger/logger.js';
import { waitFor } from '../../test-support/wait-for.js';
import { freePort } from '../../test-support/free-port.js';

let dir: string;
let entry: string;
const children: ChildProcess[] = [];
const registrations: PortMapperRegistration[] = [];
const mappers: PortMapper[] = [];
const quiet: Logger = { debug() {}, info() {}, warning() {}, error() {} };

beforeAll(async () => {
  // A stand-in for the CLI or a release's executable: an entry that calls runPortMapperFromEnv() first.
  dir = mkdtempSync(path.join(os.tmpdir(), 'kvrel-mapper-'));
  entry = path.join(dir, 'entry.mjs');
  await build({
    stdin: {
      contents:
        `import { runPortMapperFromEnv } from ${JSON.stringify(path.join(import.meta.dirname, 'server.ts'))};\nif (!runPortMapperFromEnv()) ` +
        `process.exit(2);\n`,
      resolveDir: import.meta.dirname,
      loader: 'ts',
    },
    bundle: true,
    platform: 'node',
    format: 'esm',
    outfile: entry,
    logLevel: 'silent',
  });
});

afterEach(async () => {
  setPortMapperSpawner();
  for (const registration of registrations.splice(0)) registration.close();
  await Promise.all(mappers.splice(0).map((mapper) => mapper.close()));
  await Promise.all(
    children.splice(0).map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once('exit', () => resolve());
          child.kill('SIGKILL');
        }),
    ),
  );
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Spawns the entry as a real detached process, as the default spawner does from source. */
function spawnDetachedMapper(): void {
  setPortMapperSpawner(({ port }) => {
    const command = portMapperSpawnCommand(
      { execPath: process.execPath, execArgv: [], argv: [process.execPath, entry], sea: false, env: process.env },
      { port },
    );
    const child = spawn(command!.command, command!.args, { env: command!.env, detached: true, stdio: 'ignore' });
    children.push(child);
  });
}

async function register(name: string, port: number, portMapperPort: number): Promise<PortMapperRegistration> {
  const registration = await registerWithPortMapper({ name, port, portMapperPort, logger: quiet });
  registrations.push(registration);
  return registration;
}

describe('port mapper client', () => {
  it('starts the mapper on demand as a detached process that outlives the node', async () => {
    spawnDetachedMapper();
    const portMapperPort = await freePort();
    const registration = await register('foo', 5001, portMapperPort);
    expect(children).toHaveLength(1);
    expect(await lookupNodePort('foo@127.0.0.1', 'foo', '127.0.0.1', { portMapperPort })).toBe(5001);
    registration.close();
    await waitFor(async () => (await listRegisteredNames('127.0.0.1', portMapperPort)).size === 0, { what: 'the registration to end', timeoutMs: 5000 });
    expect(children[0]!.exitCode).toBeNull();
  });

  it('registers both of two nodes racing to start the mapper', async () => {
    spawnDetachedMapper();
    const portMapperPort = await freePort();
    await Promise.all([register('a', 5001, portMapperPort), register('b', 5002, portMapperPort)]);
    expect(await listRegisteredNames('127.0.0.1', portMapperPort)).toEqual(
      new Map([
        ['a', 5001],
        ['b', 5002],
      ]),
    );
    // Every mapper but the winner found the port taken and left quietly.
    await waitFor(() => children.filter((child) => child.exitCode === null).length === 1, { what: 'one mapper to remain', timeoutMs: 5000 });
    expect(children.filter((child) => child.exitCode !== null).every((child) => child.exitCode === 0)).toBe(true);
  });

  it('refuses a name already in use on this host', async () => {
    const mapper = await startPortMapper({ port: 0, host: '127.0.0.1' });
    mappers.push(mapper);
    await register('foo', 5001, mapper.port);
    await expect(register('foo', 5002, mapper.port)).rejects.toThrow(/^node name "foo" is already in use on this host$/);
  });

  it('fails when no mapper answers and none may be started', async () => {
    const portMapperPort = await freePort();
    await expect(registerWithPortMapper({ name: 'foo', port: 1, portMapperPort, startOnDemand: false })).rejects.toThrow(
      `the port mapper at 127.0.0.1:${portMapperPort} is not available (nothing listens there)`,
    );
  });

  it('fails when the spawned mapper never answers', async () => {
    setPortMapperSpawner(() => {});
    const portMapperPort = await freePort();
    await expect(registerWithPortMapper({ name: 'foo', port: 1, portMapperPort, timeoutMs: 200 })).rejects.toThrow(
      `the port mapper at 127.0.0.1:${portMapperPort} is not available (it did not start within 200 ms)`,
    );
  });

  it('registers again when the mapper goes away and comes back', async () => {
    const port = await freePort();
    setPortMapperSpawner(() => void startPortMapper({ port, host: '127.0.0.1' }).then((m) => mappers.push(m)));
    await register('foo', 5001, port);
    await waitFor(() => mappers.length === 1, { what: 'the first mapper', timeoutMs: 5000 });
    await mappers.shift()!.close();
    await waitFor(() => mappers[0]?.names().get('foo') === 5001, { what: 'the registration in the new mapper', timeoutMs: 5000 });
  });

  it('keeps trying, logging each conflict, when another process took its name after a mapper restart', async () => {
    const lines: string[] = [];
    const log: Logger = { debug() {}, info() {}, warning: (m) => void lines.push(m), error: (m) => void lines.push(m) };
    const first = await startPortMapper({ port: 0, host: '127.0.0.1' });
    const port = first.port;
    registrations.push(await registerWithPortMapper({ name: 'foo', port: 5001, portMapperPort: port, startOnDemand: false, logger: log }));
    await first.close();
    // A new mapper at once, and a squatter in it before the node comes back.
    const second = await startPortMapper({ port, host: '127.0.0.1' });
    mappers.push(second);
    const squatter = await registerWithPortMapper({ name: 'foo', port: 6666, portMapperPort: port, startOnDemand: false, logger: quiet });
    await waitFor(() => lines.filter((l) => l.startsWith('node name "foo" is already in use')).length >= 2, { what: 'two conflicts logged', timeoutMs: 5000 });
    expect(lines.at(-1)).toMatch(
      new RegExp(
        /^node name "foo" is already in use on this host: another process registered it while this node was not registered; /.source +
          /peers cannot reach this node, trying again in \d+ ms$/.source,
      ),
    );
    squatter.close();
    await waitFor(() => second.names().get('foo') === 5001, { what: 'the node to get its name back', timeoutMs: 10_000 });
  });

  it('looks up names and reports a host without a mapper as the node being down', async () => {
    const mapper = await startPortMapper({ port: 0, host: '127.0.0.1' });
    mappers.push(mapper);
    await register('foo', 5001, mapper.port);
    expect(await lookupNodePort('foo@127.0.0.1', 'foo', '127.0.0.1', { portMapperPort: mapper.port })).toBe(5001);
    expect(await lookupNodePort('bar@127.0.0.1', 'bar', '127.0.0.1', { portMapperPort: mapper.port })).toBeUndefined();
    const nothing = await freePort();
    await expect(lookupNodePort('bar@127.0.0.1', 'bar', '127.0.0.1', { portMapperPort: nothing })).rejects.toThrow(
      `node "bar@127.0.0.1" is not reachable (no port mapper on 127.0.0.1:${nothing})`,
    );
  });
});
