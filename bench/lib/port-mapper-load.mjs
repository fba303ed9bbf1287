// The port mapper under load (issue 15, item 4), measured on lightweight nodes (many per process:
// test/fixtures/mapper-nodes.ts bundled with esbuild) and on a mapper process of its own:
// - floodFigures: the mapper's RSS and LOOKUP latency while test/fixtures/mapper-flood.cjs holds
//   IDLE loopback connections (2 × IDLE sockets in /proc/net/tcp) and keeps FLOODERS connections
//   sending REGISTER + junk for SECONDS;
// - fanOut: one node calls COUNT peers at once (each dial looks the peer up with the mapper);
// - namesBack: the mapper SIGKILLed under PROCESSES × PER registrations: time until NAMES lists them
//   all again, and how many mappers the nodes started meanwhile.
// A baseline checkout (BENCH_MAPPER_BASELINE=/path/to/other/kvrel) gets its own mapper entry, so one
// run gives the flood figures before and after.
import { readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { build } from 'esbuild';
import { allocatePortMapperPort, portMapperPids } from './port-mapper.mjs';
import { spawnTracked, stopProcess, waitForOutput } from './processes.mjs';
import { ROOT } from './repo.mjs';
import { makeTempDir } from './temp-dirs.mjs';

const FLOOD = join(ROOT, 'test', 'fixtures', 'mapper-flood.cjs');
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** An entry that runs the port mapper of the checkout at `root` (KVREL_RUN_PORT_MAPPER=1). */
export async function bundleMapperEntry(root = ROOT) {
  const dir = makeTempDir('kvrel-bench-mapper-');
  const source = join(dir, 'entry.ts');
  writeFileSync(
    source,
    `import { runPortMapperFromEnv } from ${JSON.stringify(join(root, 'packages/runtime/src/distribution/port-mapper/server.ts'))};\nrunPortMapperFromEnv();\n`,
  );
  const entry = join(dir, 'mapper.mjs');
  await build({ entryPoints: [source], bundle: true, platform: 'node', format: 'esm', outfile: entry, conditions: ['kvrel-source'], logLevel: 'silent' });
  return entry;
}

/** The lightweight nodes of this checkout (also a mapper entry). */
export async function bundleMapperNodes() {
  const entry = join(makeTempDir('kvrel-bench-nodes-'), 'mapper-nodes.mjs');
  await build({
    entryPoints: [join(ROOT, 'test', 'fixtures', 'mapper-nodes.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    outfile: entry,
    conditions: ['kvrel-source'],
    logLevel: 'silent',
  });
  return entry;
}

function connectable(port) {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}

/** One line to the mapper; the reply lines up to `until` (or the first), and how long it took. */
function ask(port, line, until, timeoutMs = 10_000) {
  return new Promise((resolve) => {
    const started = performance.now();
    const socket = net.connect({ host: '127.0.0.1', port }, () => socket.write(`${line}\n`));
    let text = '';
    const finish = (ok) => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ ok, ms: performance.now() - started, lines: text.split('\n').slice(0, -1) });
    };
    const timer = setTimeout(() => finish(false), timeoutMs);
    socket.setEncoding('latin1');
    socket.on('data', (chunk) => {
      text += chunk;
      const lines = text.split('\n').slice(0, -1);
      if (lines.length > 0 && (until === undefined || lines.includes(until))) finish(true);
    });
    socket.on('error', () => finish(false));
    socket.on('close', () => finish(text.includes('\n')));
  });
}

async function startMapper(entry) {
  const port = await allocatePortMapperPort();
  const mapper = spawnTracked(process.execPath, [entry], { env: { ...process.env, KVREL_RUN_PORT_MAPPER: '1', KVREL_PORT_MAPPER_PORT: String(port) } });
  while (!(await connectable(port))) await sleep(20);
  return { port, mapper };
}

const rssMb = (pid) => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'latin1'))[1]) / 1024;

export async function floodFigures({ entry, idle, flooders, seconds }) {
  const { port, mapper } = await startMapper(entry);
  const node = net.connect({ host: '127.0.0.1', port }, () => node.write('REGISTER target 5001\n'));
  node.on('error', () => {});
  while ((await ask(port, 'LOOKUP target')).lines[0] !== 'PORT 5001') await sleep(20);
  for (let i = 0; i < 20; i++) await ask(port, 'LOOKUP target');
  const idleMb = rssMb(mapper.pid);
  const flood = spawnTracked(process.execPath, [FLOOD, String(port), String(idle), String(flooders), String(seconds)]);
  await waitForOutput(flood, /idle \d+/, 120_000, `${idle} idle connections`);
  let peakMb = idleMb;
  const latencies = [];
  let failures = 0;
  while (!/done \d+/.test(flood.output)) {
    const reply = await ask(port, 'LOOKUP target');
    latencies.push(reply.ms);
    if (reply.lines[0] !== 'PORT 5001') failures++;
    peakMb = Math.max(peakMb, rssMb(mapper.pid));
    await sleep(20);
  }
  const afterMb = rssMb(mapper.pid);
  const sent = Number(/done (\d+)/.exec(flood.output)[1]);
  node.destroy();
  await stopProcess(flood);
  await stopProcess(mapper);
  latencies.sort((a, b) => a - b);
  const at = (q) => Math.round(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] * 10) / 10;
  return { idleMb, peakMb, afterMb, sent, lookups: latencies.length, failures, p50: at(0.5), p99: at(0.99), max: at(1) };
}

export async function fanOut({ nodes, count }) {
  const { port, mapper } = await startMapper(nodes);
  const env = { ...process.env, KVREL_PORT_MAPPER_PORT: String(port) };
  const peers = spawnTracked(process.execPath, [nodes, 'nodes', 'peer', String(count)], { env });
  await waitForOutput(peers, /all registered|error /, 120_000, `${count} peers`);
  const started = performance.now();
  const dialer = spawnTracked(process.execPath, [nodes, 'dial', 'peer', String(count)], { env });
  await dialer.exited;
  const ms = performance.now() - started;
  const connected = Number(/connected (\d+) of/.exec(dialer.output)?.[1] ?? 0);
  await stopProcess(peers);
  await stopProcess(mapper);
  return { connected, ms };
}

export async function namesBack({ nodes, processes, per }) {
  const port = await allocatePortMapperPort();
  const env = { ...process.env, KVREL_PORT_MAPPER_PORT: String(port) };
  const groups = [];
  for (let i = 0; i < processes; i++) {
    const group = spawnTracked(process.execPath, [nodes, 'nodes', `g${i}n`, String(per)], { env });
    await waitForOutput(group, /all registered|error /, 120_000, `${per} nodes`);
    groups.push(group);
  }
  const spawns = () => groups.reduce((n, g) => n + g.output.split('spawning a port mapper').length - 1, 0);
  const before = spawns();
  const total = processes * per;
  const count = async () => (await ask(port, 'NAMES', 'END', 2000)).lines.filter((l) => l.startsWith('NAME ')).length;
  for (const pid of portMapperPids(port)) process.kill(pid, 'SIGKILL');
  const killed = performance.now();
  while (await connectable(port)) await sleep(5); // gone
  let ms;
  while ((ms = performance.now() - killed) < 120_000 && (await count()) < total) await sleep(25);
  const after = spawns() - before;
  for (const group of groups) await stopProcess(group);
  return { ms, total, spawned: after };
}
