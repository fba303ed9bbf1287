/**
 * bin/<name>'s commands against a running release (SPEC §8), as Mix's release_test.exs does:
 * rpc, remote, pid, stop, restart, daemon, start on a taken port, and the reference text's two
 * releases foo and bar routing buckets between them. Each node gets its own free ports.
 */
import { execa } from 'execa';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fooCopyForThisFile } from './helpers/foo-copy.js';
import { freePort } from './helpers/free-port.js';
import { KvClient } from './helpers/kv-client.js';
import { alive, start, trackPid, type Started } from './helpers/processes.js';
import { copyRelease } from './helpers/releases.js';
import { servingPort } from './helpers/serving-port.js';
import { waitFor } from './helpers/wait-for.js';

const foo = fooCopyForThisFile('any');
const { bin, run, start: startFoo } = foo;

/** The port a started node's kv-server listens on. */
const portOf = (node: Started) => servingPort(node.output())!;

describe('commands against a running node', () => {
  it('rpc prints the value, forwards console output, and exits 1 with a thrown error', async () => {
    const node = await startFoo();
    const value = await run(['rpc', 'console.log("from the node", process.pid); console.error("to stderr"); 40 + 2']);
    expect(value.exitCode).toBe(0);
    expect(value.stdout).toBe(`from the node ${node.pid}\n42`);
    expect(value.stderr).toBe('to stderr');
    const thrown = await run(['rpc', 'throw new Error("boom")']);
    expect([thrown.exitCode, thrown.stderr.trim()]).toEqual([1, 'boom']);
    const version = await run(['rpc', 'process.version']);
    expect(version.stdout).toMatch(/^v26\./);
    const kv = await run([
      'rpc',
      'await KV.create("shopping"); await KV.put("shopping", "milk", "1"); [await KV.get("shopping", "milk"), KVServer.connections()]',
    ]);
    expect(kv.stdout).toBe("[ '1', 0 ]");
  });

  it('an rpc expression that leaves a rejected promise or a throwing timer does not take the node down', async () => {
    const node = await startFoo();
    expect((await run(['rpc', 'Promise.reject(new Error("left behind")); setTimeout(() => { throw new Error("later") }, 5); 1'])).stdout).toBe('1');
    await waitFor(
      () =>
        /unhandled promise rejection[\s\S]*uncaught exception/.test(node.output()) ||
        /uncaught exception[\s\S]*unhandled promise rejection/.test(node.output()),
      {
        what: 'the node to log both errors',
        details: () => node.output(),
      },
    );
    expect((await run(['pid'])).stdout).toBe(String(node.pid));
  });

  it('rpc sees vm.args in the running node', async () => {
    const release = copyRelease('foo');
    await execa('sh', ['-c', `echo "--max-old-space-size=123" >> "${join(release, 'releases', '0.0.1', 'vm.args')}"`]);
    const node = start(bin(release), ['start'], { env: foo.env });
    await waitFor(() => node.output().includes(' started on '), { what: 'foo to start', details: () => node.output() });
    const heap = await execa(bin(release), ['rpc', 'require("node:v8").getHeapStatistics().heap_size_limit / 1048576'], { env: foo.env, reject: false });
    expect(heap.exitCode).toBe(0);
    // 123 MiB of old space plus the young generation (the default limit is over 4,000 MiB).
    expect(Number(heap.stdout)).toBeGreaterThan(123);
    expect(Number(heap.stdout)).toBeLessThan(400);
  });

  it("pid prints the node's OS pid; remote evaluates piped input in the node", async () => {
    const node = await startFoo();
    expect((await run(['pid'])).stdout).toBe(String(node.pid));
    const remote = await run(['remote'], {}, 'const x = 20\nx + 22\nconsole.log("pid", process.pid)\n');
    expect(remote.exitCode).toBe(0);
    expect(remote.stdout.trim().split('\n')).toEqual(['42', `pid ${node.pid}`]);
  });

  it('restart restarts the applications in the same process and returns once they are up', async () => {
    const node = await startFoo();
    const client = await KvClient.connect(portOf(node));
    expect(await client.command('CREATE shopping')).toEqual(['OK']);
    client.close();
    const restarted = await run(['restart']);
    expect(restarted.exitCode).toBe(0);
    // Same OS process, applications started again: the listener accepts and the registry is new.
    expect((await run(['pid'])).stdout).toBe(String(node.pid));
    await waitFor(() => node.output().match(/accepting connections on port/g)?.length === 2, {
      what: 'the listener to accept again',
      details: () => node.output(),
    });
    const again = await KvClient.connect(portOf(node));
    expect(await again.command('GET shopping milk')).toEqual(['NOT FOUND']);
    again.close();
  });

  it('stop stops the node gracefully and returns once its process has exited', async () => {
    const node = await startFoo();
    const stopped = await run(['stop']);
    expect(stopped.exitCode).toBe(0);
    expect(alive(node.pid)).toBe(false);
    expect((await node.exit).code).toBe(0);
  });

  it("never puts the cookie on a command line, neither the node's nor an rpc client's", async () => {
    const node = await startFoo();
    const cookie = readFileSync(join(foo.dir, 'releases', 'COOKIE'), 'utf8');
    const cmdline = (pid: number) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
    expect(cmdline(node.pid)).toMatch(/releases\/0\.0\.1\/foo --node-options=\S* start/);
    expect(cmdline(node.pid)).not.toContain(cookie);
    // An rpc client's command line, read while it waits for a slow expression (exec keeps its pid).
    const client = run(['rpc', 'await new Promise((resolve) => setTimeout(resolve, 1000)); "done"']);
    const line = await waitFor(
      () => {
        const text = existsSync(`/proc/${client.pid}/cmdline`) ? cmdline(client.pid!) : '';
        return text.includes('--node-options') ? text : undefined;
      },
      { what: 'the rpc client to exec the release executable' },
    );
    expect(line).toMatch(/ rpc /);
    expect(line).not.toContain(cookie);
    expect((await client).stdout).toBe('done');
  });

  it('stop, pid and rpc with nothing running say so and exit 1', async () => {
    for (const args of [['stop'], ['pid'], ['rpc', '1'], ['restart']]) {
      const result = await run(args);
      expect(result.exitCode, args.join(' ')).toBe(1);
      expect(result.stderr.trim()).toBe('ERROR: no node "foo@127.0.0.1" is running');
    }
  });
});

describe('start_iex', () => {
  it('runs a REPL in the booted node; leaving it stops the node with exit 0', async () => {
    const result = await run(
      ['start_iex'],
      { RELEASE_DISTRIBUTION: 'none' },
      'Application.startedApplications().map(a => a.name).join(",")\nprocess.pid > 0\n',
    );
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain("'kv,kv-server'");
    expect(result.stdout).toContain('true');
    expect(result.stdout).toMatch(/application kv exited: stopped/);
  });
});

describe('daemon', () => {
  it('daemon returns once the node accepts; logs and pid go under RELEASE_TMP; stop ends it', async () => {
    const release = copyRelease('foo');
    const daemon = await execa(bin(release), ['daemon'], { env: foo.env, reject: false });
    expect(daemon.exitCode).toBe(0);
    const pid = Number(readFileSync(join(release, 'tmp', 'foo.pid'), 'utf8'));
    trackPid(pid);
    // It accepts right away: daemon returned after the node booted, having logged its port.
    expect(readdirSync(join(release, 'tmp', 'log'))).toEqual(['foo.log.1']);
    const port = servingPort(readFileSync(join(release, 'tmp', 'log', 'foo.log.1'), 'utf8'));
    expect(port).toBeDefined();
    const client = await KvClient.connect(port!);
    expect(await client.command('CREATE shopping')).toEqual(['OK']);
    client.close();
    expect((await execa(bin(release), ['pid'], { env: foo.env })).stdout).toBe(String(pid));
    // A second daemon is refused and leaves the first one's pid file alone.
    const again = await execa(bin(release), ['daemon'], { env: foo.env, reject: false });
    expect(again.exitCode).toBe(1);
    expect(again.stderr).toContain(`foo is already running as a daemon (pid ${pid}`);
    expect(readFileSync(join(release, 'tmp', 'foo.pid'), 'utf8')).toBe(String(pid));
    expect((await execa(bin(release), ['stop'], { env: foo.env })).exitCode).toBe(0);
    expect(alive(pid)).toBe(false);
    expect(existsSync(join(release, 'tmp', 'foo.pid'))).toBe(false);
  });

  it('stop without distribution (RELEASE_DISTRIBUTION=none) ends the daemon through its pid file, saying why', async () => {
    const release = copyRelease('foo');
    const env = { ...foo.env, RELEASE_DISTRIBUTION: 'none' };
    expect((await execa(bin(release), ['daemon'], { env, reject: false })).exitCode).toBe(0);
    const pid = Number(readFileSync(join(release, 'tmp', 'foo.pid'), 'utf8'));
    trackPid(pid);
    const stopped = await execa(bin(release), ['stop'], { env, reject: false });
    expect(stopped.exitCode, stopped.stderr).toBe(0);
    expect(stopped.stderr).toContain('cannot be asked to stop: RELEASE_DISTRIBUTION is none');
    expect(stopped.stderr).toContain(`node "nonode@nohost" (pid ${pid}) exited after SIGTERM`);
    expect(alive(pid)).toBe(false);
  });
});

describe("the reference text's scenario", () => {
  it('a second foo on the same port restarts its listener, then exits non-zero saying why', async () => {
    const first = await startFoo();
    const second = start(bin(), ['start'], { env: { ...foo.env, PORT: String(portOf(first)), RELEASE_NODE: 'foo2@127.0.0.1' } });
    const { code } = await second.exit;
    expect(code).not.toBe(0);
    expect(second.output()).toMatch(/reached max restart intensity/);
    expect(second.output()).toMatch(/stopping node: permanent application "kv-server" exited/);
  });

  it('PORT=... bin/foo start listens there through config/runtime.ts', async () => {
    // The one port chosen before the node starts: what this test checks is that PORT is honoured.
    const port = await freePort();
    const node = await startFoo({ PORT: String(port), RELEASE_NODE: 'fooport@127.0.0.1' });
    expect(portOf(node)).toBe(port);
    const client = await KvClient.connect(port);
    expect(await client.command('CREATE apple')).toEqual(['OK']);
    client.close();
  });

  it('foo and bar releases in name mode serve every bucket through foo', async () => {
    const bar = copyRelease('bar');
    // As uncommenting env.sh's distribution lines does: name mode, foo@127.0.0.1 / bar@127.0.0.1.
    for (const [release, name] of [
      [foo.dir, 'foo'],
      [bar, 'bar'],
    ] as const) {
      await execa('sh', [
        '-c',
        `printf 'export RELEASE_DISTRIBUTION=name\\nexport RELEASE_NODE=${name}@127.0.0.1\\n' >> "${join(release, 'releases', '0.0.1', 'env.sh')}"`,
      ]);
    }
    const routing = {
      KV_ROUTING_TABLE: 'a-m=foo@127.0.0.1,n-z=bar@127.0.0.1',
      KVREL_PORT_MAPPER_PORT: foo.env['KVREL_PORT_MAPPER_PORT']!,
      RELEASE_COOKIE: 'shared-cookie',
    };
    const barNode = start(join(bar, 'bin', 'bar'), ['start'], { env: routing });
    await waitFor(() => barNode.output().includes('started on bar@127.0.0.1'), { what: 'bar to start', details: () => barNode.output() });
    const fooNode = start(bin(), ['start'], { env: { ...routing, PORT: foo.env['PORT']! } });
    await waitFor(() => fooNode.output().includes('started on foo@127.0.0.1'), { what: 'foo to start', details: () => fooNode.output() });
    const client = await KvClient.connect(portOf(fooNode));
    expect(await client.command('CREATE shopping')).toEqual(['OK']);
    expect(await client.command('PUT shopping milk 1')).toEqual(['OK']);
    expect(await client.command('CREATE apple')).toEqual(['OK']);
    expect(await client.command('GET shopping milk')).toEqual(['1', 'OK']);
    client.close();
    const onBar = await execa(join(bar, 'bin', 'bar'), ['rpc', 'KV.buckets()'], { env: routing });
    expect(onBar.stdout).toBe("[ 'shopping' ]");
  });
});
