/**
 * The guide's distributed store (SPEC §5, §6), as the reference text's KV.RouterTest: node foo owns
 * buckets a–m, bar owns n–z, and a client of foo reaches every bucket. Real processes on 127.0.0.1,
 * a free port mapper port per test file, kv-server ports the OS picks. Each test writes the data it
 * reads.
 */
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cluster, type ClusterNode } from './helpers/cluster.js';
import { freePort } from './helpers/free-port.js';
import { KvClient } from './helpers/kv-client.js';
import { stopAll } from './helpers/processes.js';
import { waitFor } from './helpers/wait-for.js';

const FOO = 'foo@127.0.0.1';
const BAR = 'bar@127.0.0.1';
const SPLIT = `a-m=${FOO},n-z=${BAR}`;

let cluster: Cluster;
let foo: ClusterNode;
let bar: ClusterNode;
let fooDistPort: number;

beforeAll(async () => {
  cluster = await Cluster.create();
  // foo's distribution port is pinned (KVREL_DIST_PORT), as on a firewalled host: a pinned port is
  // chosen before the node starts, so this one port comes from freePort().
  fooDistPort = await freePort();
  foo = await cluster.node(FOO, SPLIT, { distPort: fooDistPort });
  bar = await cluster.node(BAR, SPLIT);
});

afterAll(async () => {
  await stopAll();
});

describe('routing across two nodes', () => {
  it('a client of foo reaches buckets on both nodes; each bucket lives on its owner', async () => {
    const client = await KvClient.connect(foo.port);
    expect(await client.command('CREATE shopping')).toEqual(['OK']);
    expect(await client.command('PUT shopping milk 1')).toEqual(['OK']);
    expect(await client.command('GET shopping milk')).toEqual(['1', 'OK']);
    expect(await client.command('CREATE apple')).toEqual(['OK']);
    expect(await client.command('PUT apple seeds 5')).toEqual(['OK']);
    client.close();

    const onBar = await cluster.rpc(BAR, 'KV.buckets()');
    expect(onBar.exitCode).toBe(0);
    expect(onBar.stdout).toBe("[ 'shopping' ]");
    const onFoo = await cluster.rpc(FOO, 'KV.buckets()');
    expect(onFoo.stdout).toBe("[ 'apple' ]");

    const barClient = await KvClient.connect(bar.port);
    expect(await barClient.command('GET shopping milk')).toEqual(['1', 'OK']);
    expect(await barClient.command('GET apple seeds')).toEqual(['5', 'OK']);
    barClient.close();
  });

  it('Node.list, Node.ping and Node.self answer through rpc', async () => {
    const result = await cluster.rpc(FOO, `[Node.self(), await Node.ping("${BAR}"), await Node.ping("nobody@127.0.0.1"), Node.list().includes("${BAR}")]`);
    expect(result.stdout).toBe(`[ '${FOO}', 'pong', 'pang', true ]`);
  });

  it('when bar goes away, foo answers ERROR for n–z at once and keeps serving a–m; bar coming back heals it', async () => {
    const client = await KvClient.connect(foo.port);
    expect(await client.command('CREATE banana')).toEqual(['OK']);
    expect(await client.command('PUT banana peel 2')).toEqual(['OK']);
    bar.process.process.kill('SIGKILL');
    await bar.process.exit;
    // Within a second: the command's own deadline is one second.
    const [reply] = await client.command('GET shopping milk', 1000);
    expect(reply).toMatch(/^ERROR .*node "bar@127\.0\.0\.1"/);
    expect(await client.command('GET banana peel', 1000)).toEqual(['2', 'OK']);

    await cluster.restart(bar, SPLIT);
    await waitFor(async () => (await client.command('CREATE shopping'))[0] === 'OK', { what: 'n–z to work again through foo' });
    expect(await client.command('PUT shopping eggs 3')).toEqual(['OK']);
    expect(await client.command('GET shopping eggs')).toEqual(['3', 'OK']);
    client.close();
  });

  it('a process with the wrong cookie cannot connect or run anything, and foo logs the refusal', async () => {
    const writer = await KvClient.connect(foo.port);
    expect(await writer.command('CREATE cherry')).toEqual(['OK']);
    expect(await writer.command('PUT cherry pits 9')).toEqual(['OK']);
    writer.close();
    const before = foo.process.output().length;
    const result = await cluster.rpc(FOO, 'System.stop()', 'wrong-cookie');
    expect(result.exitCode).toBe(1);
    expect(result.stderr).not.toContain('test-cookie');
    await waitFor(() => /refused connection from "rpc-[^"]*" \(127\.0\.0\.1[^)]*\): cookie challenge failed/.test(foo.process.output().slice(before)), {
      what: 'foo to log the refusal',
      details: () => foo.process.output().slice(before),
    });
    expect(foo.process.output()).not.toContain('wrong-cookie');
    // Still running, its data intact: System.stop() never ran.
    const client = await KvClient.connect(foo.port);
    expect(await client.command('GET cherry pits')).toEqual(['9', 'OK']);
    client.close();
  });

  it('junk on the port mapper and the distribution port crashes nothing', async () => {
    const junk = Buffer.from([0, 0, 0, 255, 1, 2, 3, 0xff, 0xfe, 10, 13, 0, 0, 0, 0]);
    for (const port of [cluster.portMapperPort, fooDistPort]) {
      for (let i = 0; i < 3; i++) {
        await new Promise<void>((resolve) => {
          const socket = connect({ port, host: '127.0.0.1' }, () => {
            socket.write(junk);
            socket.write('PORT_PLEASE '.repeat(2000));
            socket.destroy();
            resolve();
          });
          socket.on('error', () => resolve());
        });
      }
      // A half-open connection that never says anything.
      connect({ port, host: '127.0.0.1' })
        .on('error', () => {})
        .unref();
    }
    const client = await KvClient.connect(foo.port);
    expect(await client.command('CREATE shopping')).toEqual(['OK']);
    client.close();
    expect((await cluster.rpc(BAR, 'Node.self()')).stdout).toBe(BAR);
  });
});

describe('routing errors', () => {
  it('opposite tables on two nodes give a routing cycle ERROR, not a hang', async () => {
    const left = await cluster.node('left@127.0.0.1', 'a-z=right@127.0.0.1');
    await cluster.node('right@127.0.0.1', 'a-z=left@127.0.0.1');
    const client = await KvClient.connect(left.port);
    expect(await client.command('CREATE apple', 2000)).toEqual(['ERROR routing cycle: left@127.0.0.1 -> right@127.0.0.1 -> left@127.0.0.1']);
    expect(await client.command('CREATE Zebra', 2000)).toEqual(['ERROR no route for bucket "Zebra"']);
    client.close();
  });

  it('a name already registered by a live node is refused', async () => {
    const twin = cluster.spawn(FOO, SPLIT, 0, {});
    const { code } = await twin.exit;
    expect(code).not.toBe(0);
    expect(twin.output()).toMatch(/node name "foo" is already in use/);
  });
});
