/**
 * Operating a running release (SPEC §10): ping, status as a health check, rpc/eval arguments and
 * --stdin, logs across rotation, the metrics endpoint, and top (one frame, and live in a terminal).
 */
import { execa } from 'execa';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fooCopyForThisFile } from './helpers/foo-copy.js';
import { freePort } from './helpers/free-port.js';
import { KvClient } from './helpers/kv-client.js';
import { alive, start, trackPid } from './helpers/processes.js';
import { parsePrometheusText, sampleValue } from './helpers/prometheus-text.js';
import { copyRelease } from './helpers/releases.js';
import { waitFor } from './helpers/wait-for.js';

const foo = fooCopyForThisFile('free');
const { bin, run, start: startFoo } = foo;

describe('ping', () => {
  it('prints pong and exits 0 while the node answers; pang and exit 1 when it is stopped or hung', async () => {
    const node = await startFoo();
    expect(await run(['ping'])).toMatchObject({ exitCode: 0, stdout: 'pong' });
    // A hung node (SIGSTOP: it holds its ports and answers nothing) gets pang within ping's bound.
    process.kill(node.pid, 'SIGSTOP');
    try {
      expect(await run(['ping'])).toMatchObject({ exitCode: 1, stdout: 'pang' });
    } finally {
      process.kill(node.pid, 'SIGCONT');
    }
    expect((await run(['stop'])).exitCode).toBe(0);
    expect(await run(['ping'])).toMatchObject({ exitCode: 1, stdout: 'pang' });
  });
});

describe('status', () => {
  it('reports the node and exits 0, then 1 once a permanent application is stopped through rpc, 0 again after it restarts', async () => {
    const node = await startFoo();
    const client = await KvClient.connect(Number(foo.env['PORT']));
    expect(await client.command('CREATE shopping')).toEqual(['OK']);
    const healthy = await run(['status']);
    expect(healthy.exitCode).toBe(0);
    expect(healthy.stdout).toContain('foo@127.0.0.1: ok');
    expect(healthy.stdout).toMatch(new RegExp(`^pid +${node.pid}$`, 'm'));
    expect(healthy.stdout).toMatch(/^release +foo 0\.0\.1$/m);
    expect(healthy.stdout).toMatch(/^node\.js +v26\./m);
    expect(healthy.stdout).toMatch(/^connections +1$/m);
    expect(healthy.stdout).toMatch(/^ {2}kv-server +0\.1\.0 +permanent +started$/m);
    expect(healthy.stdout).toMatch(/^ {6}listener: running$/m);
    const json = JSON.parse((await run(['status', '--json'])).stdout);
    expect(json).toMatchObject({ healthy: true, node: 'foo@127.0.0.1', pid: node.pid, release: { name: 'foo', version: '0.0.1' }, connections: 1, nodes: [] });
    expect(json.applications.map((a: { name: string; mode: string; state: string }) => `${a.name}:${a.mode}:${a.state}`)).toEqual([
      'kv:permanent:started',
      'kv-server:permanent:started',
    ]);
    expect(json.memory.rss).toBeGreaterThan(0);
    expect(json.eventLoop.utilization).toBeGreaterThanOrEqual(0);
    expect(typeof json.eventLoop.delayMs.p99).toBe('number');
    client.close();

    expect((await run(['rpc', 'await Application.stop("kv-server")'])).exitCode).toBe(0);
    const degraded = await run(['status']);
    expect(degraded.exitCode).toBe(1);
    expect(degraded.stdout).toContain('foo@127.0.0.1: permanent application kv-server is stopped');
    expect(JSON.parse((await run(['status', '--json'])).stdout)).toMatchObject({ healthy: false });
    expect(alive(node.pid)).toBe(true);

    expect((await run(['rpc', 'await Application.ensureAllStarted("kv-server")'])).stdout).toBe("[ 'kv-server' ]");
    expect((await run(['status'])).exitCode).toBe(0);
  });

  it('says no node is running, exit 1', async () => {
    const result = await run(['status']);
    expect([result.exitCode, result.stderr.trim()]).toEqual([1, 'ERROR: no node "foo@127.0.0.1" is running']);
  });
});

describe('rpc and eval arguments', () => {
  it('puts the extra arguments in scope as argv, strings', async () => {
    await startFoo();
    expect((await run(['rpc', 'argv', 'a', 'b c', '3'])).stdout).toBe("[ 'a', 'b c', '3' ]");
    expect((await run(['rpc', 'argv.length'])).stdout).toBe('0');
    expect((await run(['eval', 'argv.map(Number).reduce((a, b) => a + b, 0)', '40', '2'])).stdout).toBe('42');
  });

  it('--stdin reads standard input into input; the value is on no command line, not even while it is evaluated', async () => {
    await startFoo();
    const secret = `s3cret-${process.pid}-${Date.now()}`;
    const everyCmdline = () =>
      readdirSync('/proc')
        .filter((entry) => /^\d+$/.test(entry))
        .map((pid) => {
          try {
            return readFileSync(`/proc/${pid}/cmdline`, 'utf8');
          } catch {
            return ''; // exited meanwhile
          }
        });
    for (const command of ['rpc', 'eval']) {
      // The expression waits, so the client (and, for rpc, the node) are alive while /proc is read.
      const client = execa(bin(), [command, '--stdin', 'await new Promise((r) => setTimeout(r, 1500)); [input.length, argv]', 'visible'], {
        env: foo.env,
        reject: false,
        input: `${secret}\n`,
      });
      await waitFor(() => everyCmdline().some((line) => line.includes(`${command}\0--stdin`)), { what: `the ${command} client to run` });
      for (let i = 0; i < 5; i++) {
        expect(everyCmdline().filter((line) => line.includes(secret))).toEqual([]);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const result = await client;
      expect([command, result.exitCode, result.stdout]).toEqual([command, 0, `[ ${secret.length}, [ 'visible' ] ]`]);
    }
  });

  it('without an expression, --stdin or not, says so as Mix does', async () => {
    for (const [command, word] of [
      ['rpc', 'RPC'],
      ['eval', 'EVAL'],
    ] as const) {
      for (const args of [[command], [command, '--stdin']]) {
        const result = await run(args);
        expect([result.exitCode, result.stderr.trim()]).toEqual([1, `ERROR: ${word} expects an expression as argument`]);
      }
    }
  });
});

describe('logs', () => {
  it('prints the daemon log across its rotated files in order, -n keeps the last lines, -f follows through rotation', async () => {
    const release = copyRelease('foo');
    const releaseBin = join(release, 'bin', 'foo');
    expect((await execa(releaseBin, ['daemon'], { env: foo.env, reject: false })).exitCode).toBe(0);
    trackPid(Number(readFileSync(join(release, 'tmp', 'foo.pid'), 'utf8')));
    // Over 1 MiB written to the node's stdout: the log rotates (1 MiB per file).
    const write = (tag: string) =>
      `for (let i = 0; i < 1200; i++) process.stdout.write("${tag} " + String(i).padStart(4, "0") + " " + "x".repeat(1000) + "\\n")`;
    expect((await execa(releaseBin, ['rpc', write('first')], { env: foo.env })).exitCode).toBe(0);
    expect(readdirSync(join(release, 'tmp', 'log')).sort()).toEqual(['foo.log.1', 'foo.log.2']);

    const all = (await execa(releaseBin, ['logs'], { env: foo.env })).stdout.split('\n');
    const firsts = all.filter((line) => line.startsWith('first '));
    expect(firsts.map((line) => line.slice(0, 10))).toEqual(Array.from({ length: 1200 }, (_, i) => `first ${String(i).padStart(4, '0')}`));
    expect(all.findIndex((line) => line.includes('accepting connections'))).toBeLessThan(all.indexOf(firsts[0]!));
    expect((await execa(releaseBin, ['logs', '-n', '2'], { env: foo.env })).stdout.split('\n').map((line) => line.slice(0, 10))).toEqual([
      'first 1198',
      'first 1199',
    ]);

    const follower = start(releaseBin, ['logs', '-f', '-n', '0'], { env: foo.env });
    // A running process is not yet a following one (-n 0: it prints only what comes after it looked):
    // the node ticks into its log until the follower prints a tick, so no "second" line comes too early.
    const ticking = 'globalThis.tick = setInterval(() => process.stdout.write("tick\\n"), 100)';
    expect((await execa(releaseBin, ['rpc', ticking], { env: foo.env })).exitCode).toBe(0);
    await waitFor(() => follower.output().includes('tick\n'), { what: 'logs -f to follow', timeoutMs: 60_000, details: () => follower.output() });
    expect((await execa(releaseBin, ['rpc', 'clearInterval(globalThis.tick)'], { env: foo.env })).exitCode).toBe(0);
    expect((await execa(releaseBin, ['rpc', write('second')], { env: foo.env })).exitCode).toBe(0);
    const expected = Array.from({ length: 1200 }, (_, i) => `second ${String(i).padStart(4, '0')}`);
    const seconds = () =>
      follower
        .output()
        .split('\n')
        .filter((line) => line.startsWith('second '))
        .map((line) => line.slice(0, 11));
    // Waits for the last line only, then compares all: a line printed twice fails here, not as a timeout.
    await waitFor(() => seconds().includes('second 1199'), {
      what: 'logs -f to print the last of 1200 lines written through a rotation',
      timeoutMs: 60_000,
      details: () => `${seconds().length} lines so far, the last: ${seconds().slice(-3).join(', ')}`,
    });
    expect(seconds()).toEqual(expected);
    expect(follower.output()).not.toContain('first ');
    expect((await execa(releaseBin, ['stop'], { env: foo.env })).exitCode).toBe(0);
  }, 120_000);

  it('says where the log would be when there is none', async () => {
    const result = await run(['logs']);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/^ERROR: no log of foo in .*tmp\/log; a node started with "bin\/foo daemon" writes it$/);
  });
});

describe('metrics', () => {
  it('serves Prometheus text on 127.0.0.1 when KVREL_METRICS_PORT is set: process, runtime and kv metrics, counters moving with traffic', async () => {
    const metricsPort = await freePort();
    const node = await startFoo({ KVREL_METRICS_PORT: String(metricsPort) });
    expect(node.output()).toContain(`serving Prometheus metrics at http://127.0.0.1:${metricsPort}/metrics`);
    const scrape = async () => {
      const response = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
      expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
      return parsePrometheusText(await response.text());
    };
    const before = await scrape();
    expect(sampleValue(before, 'process_resident_memory_bytes')).toBeGreaterThan(0);
    expect(sampleValue(before, 'nodejs_eventloop_lag_p99_seconds')).toBeGreaterThanOrEqual(0);
    expect(sampleValue(before, 'kvrel_application_up', { application: 'kv-server', mode: 'permanent' })).toBe(1);
    expect(sampleValue(before, 'kvrel_distribution_links')).toBe(0);
    expect(sampleValue(before, 'kv_operations_total', { command: 'get', route: 'local' })).toBe(0);

    const client = await KvClient.connect(Number(foo.env['PORT']));
    expect(await client.command('CREATE shopping')).toEqual(['OK']);
    for (let i = 0; i < 5; i++) expect(await client.command(`PUT shopping k${i} value${i}`)).toEqual(['OK']);
    for (let i = 0; i < 7; i++) await client.command('GET shopping k1');
    const after = await scrape();
    expect(sampleValue(after, 'kv_operations_total', { command: 'get', route: 'local' })).toBe(7);
    expect(sampleValue(after, 'kv_operations_total', { command: 'put', route: 'local' })).toBe(5);
    expect(sampleValue(after, 'kv_operations_total', { command: 'create', route: 'local' })).toBe(1);
    expect(sampleValue(after, 'kv_server_connections')).toBe(1);
    expect(sampleValue(after, 'kv_buckets')).toBe(1);
    expect(sampleValue(after, 'kv_keys')).toBe(5);
    expect(sampleValue(after, 'kv_bytes')).toBe(5 * ('k0'.length + 'value0'.length));
    // kv.maxMemoryBytes's count: the bytes plus 80 a key and 512 a bucket (with its name); the default limit, half the heap.
    expect(sampleValue(after, 'kv_memory_bytes')).toBe(5 * ('k0'.length + 'value0'.length + 80) + 512 + 'shopping'.length);
    expect(sampleValue(after, 'kv_max_memory_bytes')).toBeGreaterThan(64 * 1024 * 1024);
    client.close();
    expect((await fetch(`http://127.0.0.1:${metricsPort}/other`)).status).toBe(404);
  });

  it('a metrics port that cannot be bound stops the boot, naming it', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as { port: number }).port;
    try {
      const node = start(bin(), ['start'], { env: { ...foo.env, KVREL_METRICS_PORT: String(port) } });
      expect((await node.exit).code).toBe(1);
      expect(node.output()).toContain(
        `ERROR: the metrics endpoint could not listen on 127.0.0.1:${port} (EADDRINUSE); change KVREL_METRICS_PORT or kernel.metricsPort`,
      );
      const bad = start(bin(), ['start'], { env: { ...foo.env, KVREL_METRICS_PORT: 'nine' } });
      expect((await bad.exit).code).toBe(1);
      expect(bad.output()).toContain('ERROR: KVREL_METRICS_PORT must be a port number from 0 to 65535, got "nine"');
    } finally {
      taken.close();
    }
  });

  it('is off by default', async () => {
    const node = await startFoo();
    expect(node.output()).not.toContain('Prometheus');
  });
});

describe('top', () => {
  it('--once prints one frame with the application tree and the figures', async () => {
    await startFoo();
    const result = await run(['top', '--once']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/^foo@127\.0\.0\.1 · foo 0\.0\.1 · pid \d+ · Node v26\./);
    expect(result.stdout).toMatch(/^ops\/s \d+ {3}connections 0 {3}nodes none$/m);
    expect(result.stdout).toMatch(/^kv +0\.1\.0 +permanent +started$/m);
    expect(result.stdout).toMatch(/^kv-server +0\.1\.0 +permanent +started$/m);
    expect(result.stdout).toContain('└ listener running');
    expect(result.stdout).not.toContain('\x1b[');
  });

  it('runs live in a terminal, in colour, and quits on q', async (context) => {
    const script = await execa('sh', ['-c', 'command -v script'], { reject: false });
    if (script.exitCode !== 0) return context.skip('no `script` (util-linux) to give top a pseudo-terminal');
    await startFoo();
    // script(1) runs top on a pseudo-terminal and passes our stdin to it.
    const terminal = execa('script', ['-qec', `"${bin()}" top`, '/dev/null'], {
      env: { ...foo.env, NO_COLOR: '' },
      reject: false,
      stdin: 'pipe',
      all: true,
      buffer: true,
    });
    let seen = '';
    terminal.all!.on('data', (chunk: Buffer) => (seen += chunk.toString()));
    trackPid(terminal.pid!);
    await waitFor(() => seen.includes('kv-server') && seen.includes('(q quits)'), { what: 'a frame of top', details: () => seen });
    expect(seen).toContain('\x1b[?1049h'); // the alternate screen
    expect(seen).toMatch(/\x1b\[32mstarted\x1b\[0m/);
    terminal.stdin!.write('q');
    const result = await terminal;
    expect(result.exitCode).toBe(0);
    expect(seen).toContain('\x1b[?1049l'); // the screen given back
  });
});
