/**
 * The failure detector (SPEC §10, issue 10 item 5) with kernel.netTicktime = 2 s: bar stopped with
 * SIGSTOP is declared down by foo (pending requests fail saying their outcome is unknown, `nodedown`
 * is logged, Node.list() drops it, requests for its buckets fail at once), and after SIGCONT the
 * buckets work again.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cluster, nodePid, type ClusterNode } from './helpers/cluster.js';
import { KvClient } from './helpers/kv-client.js';
import { alive, stopAll } from './helpers/processes.js';
import { waitFor } from './helpers/wait-for.js';

const FOO = 'foo@127.0.0.1';
const BAR = 'bar@127.0.0.1';
const SPLIT = `a-m=${FOO},n-z=${BAR}`;
const NET_TICKTIME_S = 2;

let dir: string;
let cluster: Cluster;
let foo: ClusterNode;
let bar: ClusterNode;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kvrel-ticktime-'));
  const config = join(dir, 'ticktime.ts');
  writeFileSync(config, `export default { kernel: { netTicktime: ${NET_TICKTIME_S} } };\n`);
  cluster = await Cluster.create();
  foo = await cluster.node(FOO, SPLIT, { config: [config] });
  bar = await cluster.node(BAR, SPLIT, { config: [config] });
});

afterAll(async () => {
  if (bar && alive(nodePid(bar))) process.kill(nodePid(bar), 'SIGCONT');
  await stopAll();
  rmSync(dir, { recursive: true, force: true });
});

describe('failure detector', () => {
  it('declares a stopped peer down within its tick time, fails fast while it hangs, and heals after SIGCONT', async () => {
    const client = await KvClient.connect(foo.port);
    expect(await client.command('CREATE shopping')).toEqual(['OK']);
    expect(await client.command('PUT shopping milk 1')).toEqual(['OK']);
    expect((await cluster.rpc(FOO, 'Node.list()')).stdout).toBe(`[ '${BAR}' ]`);
    const before = foo.process.output().length;

    process.kill(nodePid(bar), 'SIGSTOP');
    // Sent to bar, then bar is declared down: the reply comes before the call's own 5 s timeout and
    // says the PUT may or may not have been applied.
    const [pending] = await client.command('PUT shopping eggs 12', 4 * NET_TICKTIME_S * 1000);
    expect(pending).toBe(
      `ERROR node "${BAR}" went away before replying (it did not answer for ${NET_TICKTIME_S} s (kernel.netTicktime)); the outcome is unknown`,
    );
    await waitFor(() => foo.process.output().slice(before).includes(`nodedown ${BAR}: it did not answer for ${NET_TICKTIME_S} s (kernel.netTicktime)`), {
      what: 'foo to log nodedown',
      details: () => foo.process.output().slice(before),
    });
    expect((await cluster.rpc(FOO, 'Node.list()')).stdout).toBe('[]');
    // While bar hangs, its buckets fail at once (a 1 s client deadline, far below the 5 s call timeout).
    const [fast] = await client.command('GET shopping milk', 1000);
    expect(fast).toBe(
      `ERROR node "${BAR}" is not reachable (it did not answer for ${NET_TICKTIME_S} s (kernel.netTicktime); trying to reconnect in the background)`,
    );
    // a–m, on foo, are served all along.
    expect(await client.command('CREATE apple', 1000)).toEqual(['OK']);

    process.kill(nodePid(bar), 'SIGCONT');
    await waitFor(async () => (await client.command('GET shopping milk', 6000))[0] === '1', {
      what: 'bar buckets to work again through foo',
      timeoutMs: 30_000,
      details: () => foo.process.output().slice(before),
    });
    await waitFor(() => foo.process.output().slice(before).includes(`nodeup ${BAR}`), { what: 'foo to log nodeup' });
    expect((await cluster.rpc(FOO, 'Node.list()')).stdout).toBe(`[ '${BAR}' ]`);
    client.close();
  });
});
