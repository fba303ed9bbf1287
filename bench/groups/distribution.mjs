// Issue 10 items 3 and 5: distribution under abuse and failure.
// - `bin/foo rpc "1+1"` against release foo (distribution on, port pinned): idle, under 2,000 silent
//   connections from 127.0.0.1 held open, and under 2,000 that are opened again as soon as foo closes
//   them (test/fixtures/slow-connections.cjs): success rate and round trip.
// - Two `kvrel run` nodes, foo routing n–z to bar, kernel.netTicktime T: bar stopped with SIGSTOP while
//   a client of foo sends `GET` for a bar bucket in a loop; time until the pending GET is answered
//   (ERROR, outcome unknown: bar declared down, or the call's 5 s timeout when that comes first) and
//   until the first fast failure (bar declared down, nodedown logged: the log itself is no clock, as
//   identical lines within 10 s are rate-limited); then SIGCONT and the time until a GET is answered.
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { benchRelease } from '../lib/bench-release.mjs';
import { freePort } from '../lib/free-port.mjs';
import { startReleaseNode, startSourceNode } from '../lib/kv-node.mjs';
import { openLineClient } from '../lib/line-client.mjs';
import { allocatePortMapperPort, stopPortMapper } from '../lib/port-mapper.mjs';
import { bundleMapperEntry, bundleMapperNodes, fanOut, floodFigures, namesBack } from '../lib/port-mapper-load.mjs';
import { spawnTracked, stopProcess, waitForOutput } from '../lib/processes.mjs';
import { ROOT } from '../lib/repo.mjs';
import { summary } from '../lib/summary.mjs';
import { makeTempDir } from '../lib/temp-dirs.mjs';
import { timedCommand } from '../lib/timed-command.mjs';

const COLUMNS = [
  { key: 'figure', label: 'figure' },
  { key: 'value', label: 'value' },
  { key: 'median', label: 'median' },
  { key: 'min', label: 'min' },
  { key: 'max', label: 'max' },
  { key: 'runs', label: 'runs' },
];

const SLOW_CONNECTIONS = join(ROOT, 'test', 'fixtures', 'slow-connections.cjs');

export async function runDistribution({ quick, log }) {
  const rows = [];
  const commands = [];
  rows.push(...(await rpcUnderSlowHandshakes({ rpcs: quick ? 5 : 20, log, commands })));
  for (const seconds of quick ? [2] : [2, 8]) rows.push(...(await stoppedPeer({ seconds, cycles: quick ? 1 : 3, log, commands })));
  rows.push(...(await portMapperUnderLoad({ quick, log, commands })));
  return {
    title: 'distribution (issues 10, 15): rpc under slow handshakes, a stopped peer, the port mapper under load',
    columns: COLUMNS,
    rows,
    skipped: [],
    commands,
  };
}

async function rpcUnderSlowHandshakes({ rpcs, log, commands }) {
  const dir = await benchRelease();
  const mapperPort = await allocatePortMapperPort();
  const distPort = await freePort();
  const cookie = randomBytes(16).toString('hex');
  const env = { RELEASE_DISTRIBUTION: 'name', RELEASE_NODE: 'foo@127.0.0.1', RELEASE_COOKIE: cookie, KVREL_PORT_MAPPER_PORT: String(mapperPort) };
  const node = await startReleaseNode({ releaseDir: dir, env: { ...env, KVREL_DIST_PORT: String(distPort) } });
  const rows = [];
  try {
    // Registered for distribution (rpc answers) before anything is timed.
    for (let i = 0; i < 100; i++)
      if ((await timedCommand(join(dir, 'bin', 'foo'), ['rpc', '1+1'], { env: { ...process.env, ...env } })).status.code === 0) break;
    for (const mode of ['idle', 'held', 'reconnect']) {
      let attacker;
      if (mode !== 'idle') {
        attacker = spawnTracked(process.execPath, [SLOW_CONNECTIONS, String(distPort), '2000', '300', ...(mode === 'reconnect' ? ['reconnect'] : [])]);
        await waitForOutput(attacker, /opened (2\d{3}|[3-9]\d{3}|\d{5,})/, 60_000, '2,000 slow connections');
      }
      log(`distribution: ${rpcs} × rpc "1+1", ${mode === 'idle' ? 'no other connections' : `2,000 slow connections (${mode})`}`);
      const times = [];
      let ok = 0;
      for (let i = 0; i < rpcs; i++) {
        const r = await timedCommand(join(dir, 'bin', 'foo'), ['rpc', '1+1'], { env: { ...process.env, ...env } });
        if (r.status.code === 0 && r.output.trim() === '2') ok++;
        times.push(r.ms);
      }
      const opened = attacker ? Number([...attacker.output.matchAll(/opened (\d+)/g)].at(-1)?.[1] ?? 0) : 0;
      if (attacker) await stopProcess(attacker);
      const s = summary(times, 0);
      const label = { idle: 'idle', held: '2,000 slow connections held open', reconnect: '2,000 slow connections, each reopened when closed' }[mode];
      rows.push({
        figure: `rpc "1+1" success, ${label}${opened ? ` (${opened.toLocaleString('en-US')} opened)` : ''}`,
        value: `${ok}/${rpcs}`,
        median: `${s.median} ms`,
        min: `${s.min} ms`,
        max: `${s.max} ms`,
        runs: s.runs,
      });
    }
    commands.push(
      'release foo: RELEASE_DISTRIBUTION=name KVREL_DIST_PORT=<free> bin/foo start; node test/fixtures/slow-connections.cjs <port> 2000 300 ' +
        '[reconnect]; bin/foo rpc "1+1"',
    );
    return rows;
  } finally {
    await stopProcess(node.child);
    await stopPortMapper(mapperPort);
  }
}

async function stoppedPeer({ seconds, cycles, log, commands }) {
  const config = join(makeTempDir('kvrel-bench-ticktime-'), 'ticktime.mjs');
  writeFileSync(config, `export default { kernel: { netTicktime: ${seconds} } };\n`);
  const mapperPort = await allocatePortMapperPort();
  const env = {
    KV_ROUTING_TABLE: 'a-m=foo@127.0.0.1,n-z=bar@127.0.0.1',
    KVREL_PORT_MAPPER_PORT: String(mapperPort),
    RELEASE_COOKIE: randomBytes(16).toString('hex'),
  };
  const bar = await startSourceNode({ args: ['--name', 'bar@127.0.0.1', '--config', config], env });
  const foo = await startSourceNode({ args: ['--name', 'foo@127.0.0.1', '--config', config], env });
  const figures = { firstReply: [], fastFailure: [], recovery: [] };
  const client = await openLineClient(foo.port, 4 * seconds * 1000 + 10_000);
  try {
    await client.command('CREATE shopping');
    await client.command('PUT shopping milk 1');
    for (let cycle = 0; cycle < cycles; cycle++) {
      log(`distribution: kernel.netTicktime ${seconds} s, SIGSTOP/SIGCONT of bar, cycle ${cycle + 1} of ${cycles}`);
      const t0 = performance.now();
      process.kill(bar.pid, 'SIGSTOP');
      let firstReply;
      let fastFailure;
      while (fastFailure === undefined) {
        const [reply] = await client.command('GET shopping milk');
        const at = performance.now() - t0;
        firstReply ??= at;
        if (/is not reachable/.test(reply)) fastFailure = at;
      }
      figures.firstReply.push(firstReply);
      figures.fastFailure.push(fastFailure);
      const t1 = performance.now();
      process.kill(bar.pid, 'SIGCONT');
      for (;;) {
        const [reply] = await client.command('GET shopping milk');
        if (reply === '1') break;
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      figures.recovery.push(performance.now() - t1);
    }
  } finally {
    client.close();
    try {
      process.kill(bar.pid, 'SIGCONT');
    } catch {}
    await stopProcess(foo.child);
    await stopProcess(bar.child);
    await stopPortMapper(mapperPort);
  }
  commands.push(`kvrel run --name foo|bar@127.0.0.1 --config <kernel.netTicktime ${seconds}>; GET loop via foo for a bar bucket; kill -STOP / -CONT bar`);
  const ms = (values) => {
    const s = summary(values, 0);
    return { median: `${s.median} ms`, min: `${s.min} ms`, max: `${s.max} ms`, runs: s.runs };
  };
  const t = `netTicktime ${seconds} s`;
  return [
    {
      figure: `SIGSTOP → the pending GET answered (ERROR, outcome unknown) (${t})`,
      value: 'declared down, or its 5 s call timeout',
      ...ms(figures.firstReply),
    },
    {
      figure: `SIGSTOP → declared down: nodedown, first fast failure (${t})`,
      value: `${seconds * 1000}–${seconds * 1250} ms expected`,
      ...ms(figures.fastFailure),
    },
    { figure: `SIGCONT → first GET answered again (${t})`, value: '', ...ms(figures.recovery) },
  ];
}

// Issue 15 item 4: the port mapper under a REGISTER junk flood on a host with many sockets (its RSS,
// LOOKUP latency), a 99-peer fan-out from one node, and the names back after a mapper SIGKILL under
// 100 registrations. BENCH_MAPPER_BASELINE=/path/to/another/checkout adds the flood rows of that
// checkout's mapper (before/after in one run).
async function portMapperUnderLoad({ quick, log, commands }) {
  const rows = [];
  const idle = quick ? 2000 : 5000;
  const flood = { idle, flooders: 200, seconds: quick ? 4 : 8 };
  const mappers = [['', await bundleMapperEntry()]];
  if (process.env.BENCH_MAPPER_BASELINE) mappers.push([' (baseline)', await bundleMapperEntry(process.env.BENCH_MAPPER_BASELINE)]);
  for (const [label, entry] of mappers) {
    log(`distribution: port mapper${label} under a ${flood.seconds} s REGISTER flood (${flood.flooders} connections), ${2 * idle} idle sockets on the host`);
    const f = await floodFigures({ entry, ...flood });
    const what = `${flood.seconds} s REGISTER junk flood, ${(2 * idle).toLocaleString('en-US')} idle sockets`;
    rows.push({
      figure: `port mapper${label}: RSS growth, ${what}`,
      value: `+${(f.peakMb - f.idleMb).toFixed(1)} MB`,
      median: `idle ${f.idleMb.toFixed(1)} MB`,
      min: `after ${f.afterMb.toFixed(1)} MB`,
      max: `peak ${f.peakMb.toFixed(1)} MB`,
      runs: `${f.sent} REGISTERs`,
    });
    rows.push({
      figure: `port mapper${label}: LOOKUP p99, ${what}`,
      value: `${f.p99} ms`,
      median: `${f.p50} ms`,
      min: `${f.lookups - f.failures}/${f.lookups} answered`,
      max: `${f.max} ms`,
      runs: f.lookups,
    });
  }
  const nodes = await bundleMapperNodes();
  log('distribution: one node dials 99 peers at once');
  const fan = await fanOut({ nodes, count: 99 });
  rows.push({
    figure: 'port mapper: 99 peers dialled at once by one node',
    value: `${fan.connected}/99 connected`,
    median: `${Math.round(fan.ms)} ms`,
    min: '',
    max: '',
    runs: 1,
  });
  log('distribution: the port mapper SIGKILLed under 100 registrations (2 processes × 50 nodes)');
  const back = await namesBack({ nodes, processes: 2, per: 50 });
  rows.push({
    figure: `port mapper SIGKILLed under ${back.total} registrations: all names back`,
    value: `${Math.round(back.ms)} ms`,
    median: `${back.spawned} mapper(s) started`,
    min: '',
    max: '',
    runs: 1,
  });
  commands.push('node bench/run.mjs --only distribution   (BENCH_MAPPER_BASELINE=/path/to/checkout adds baseline flood rows)');
  return rows;
}
