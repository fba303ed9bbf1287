/**
 * Distribution admission (SPEC §10, issue 10 item 3): 2,000 connections from 127.0.0.1 that never
 * finish a handshake (each one the node closes is opened again) leave `bin/foo rpc` working, and
 * the node logs them in a few lines, not one per connection.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cluster, type ClusterNode } from './helpers/cluster.js';
import { freePort } from './helpers/free-port.js';
import { start, stopAll, type Started } from './helpers/processes.js';
import { repoRoot } from './helpers/repo.js';
import { waitFor } from './helpers/wait-for.js';

const FOO = 'foo@127.0.0.1';
let cluster: Cluster;
let foo: ClusterNode;
let distPort: number;

beforeAll(async () => {
  cluster = await Cluster.create();
  distPort = await freePort();
  foo = await cluster.node(FOO, `a-z=${FOO}`, { distPort });
});

afterAll(async () => {
  await stopAll();
});

/** `count` connections that never send a byte, each one foo closes opened again. */
function slowConnections(port: number, count: number, seconds: number): Started {
  return start(process.execPath, [join(repoRoot, 'test', 'fixtures', 'slow-connections.cjs'), String(port), String(count), String(seconds), 'reconnect']);
}

function opened(output: string): number {
  return Number([...output.matchAll(/opened (\d+)/g)].at(-1)?.[1] ?? 0);
}

describe('distribution admission', () => {
  it('keeps rpc working under 2,000 slow handshakes from one address, logging them without a flood', async () => {
    const before = foo.process.output().length;
    const attacker = slowConnections(distPort, 2000, 60);
    await waitFor(() => opened(attacker.output()) >= 2000, {
      what: '2,000 slow connections to be opened',
      timeoutMs: 30_000,
      details: () => attacker.output().slice(-200),
    });
    const results = [];
    for (let i = 0; i < 5; i++) results.push(await cluster.rpc(FOO, '1 + 1'));
    expect(results.map((r) => [r.exitCode, r.stdout, r.stderr])).toEqual(Array(5).fill([0, '2', '']));
    attacker.process.kill('SIGKILL');
    await attacker.exit;
    const log = foo.process.output().slice(before);
    const refusals = log.split('\n').filter((line) => line.includes('refused connection from'));
    expect(refusals.length).toBeGreaterThan(0);
    // One line per kind as it starts (evicted, refused, no name in time), then one sum per interval.
    expect(refusals.length).toBeLessThan(10);
  });
});
