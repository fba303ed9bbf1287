// Issue 11: what operating a release costs. `bin/foo ping` and `bin/foo status` round trips beside
// `bin/foo rpc "1+1"` (release foo, distribution on), and the metrics endpoint's cost on kv throughput:
// kvload (50 clients, depth 1 and 16) against foo with metrics off, then on with a scraper every second,
// alternated in pairs so the shared machine's drift falls on both alike; medians compared.
import { readFileSync } from 'node:fs';
import { benchRelease } from '../lib/bench-release.mjs';
import { durations } from '../lib/durations.mjs';
import { freePort } from '../lib/free-port.mjs';
import { startReleaseNode } from '../lib/kv-node.mjs';
import { ensureKvload, runKvload } from '../lib/kvload.mjs';
import { allocatePortMapperPort, stopPortMapper } from '../lib/port-mapper.mjs';
import { stopProcess } from '../lib/processes.mjs';
import { summary } from '../lib/summary.mjs';
import { timedCommand } from '../lib/timed-command.mjs';

const COLUMNS = [
  { key: 'figure', label: 'figure' },
  { key: 'median', label: 'median' },
  { key: 'min', label: 'min' },
  { key: 'max', label: 'max' },
  { key: 'runs', label: 'runs' },
  { key: 'target', label: 'target' },
];

export async function runOperations({ quick, log }) {
  const d = durations(quick);
  const dir = await benchRelease();
  const bin = `${dir}/bin/foo`;
  const rows = [];
  const skipped = [];
  const commands = [];
  rows.push(...(await roundTrips({ bin, dir, repeats: d.repeats, log, commands })));
  const kvload = await ensureKvload();
  if (kvload.skip) skipped.push(`metrics cost: ${kvload.skip}`);
  else rows.push(...(await metricsCost({ dir, kvload: kvload.path, d, pairs: quick ? 1 : 4, log, commands })));
  return { title: 'operations (issue 11): ping/status round trips, metrics endpoint cost', columns: COLUMNS, rows, skipped, commands, durations: d };
}

async function roundTrips({ bin, dir, repeats, log, commands }) {
  const mapperPort = await allocatePortMapperPort();
  const env = { RELEASE_DISTRIBUTION: 'name', RELEASE_NODE: 'foo@127.0.0.1', KVREL_PORT_MAPPER_PORT: String(mapperPort) };
  const clientEnv = { ...process.env, ...env };
  const node = await startReleaseNode({ releaseDir: dir, env });
  try {
    // Wait until it is registered (rpc answers), then time each command in turn, repeats times.
    for (let i = 0; i < 100; i++) if ((await timedCommand(bin, ['ping'], { env: clientEnv })).status.code === 0) break;
    log(`operations: ping, status, status --json, rpc "1+1", ${repeats} runs each`);
    const figures = { ping: [], status: [], json: [], rpc: [] };
    const expect = (r, what) => {
      if (r.status.code !== 0) throw new Error(`bin/foo ${what} failed (${JSON.stringify(r.status)}): ${r.output.trim()}`);
      return r.ms;
    };
    for (let i = 0; i < repeats; i++) {
      figures.ping.push(expect(await timedCommand(bin, ['ping'], { env: clientEnv }), 'ping'));
      figures.status.push(expect(await timedCommand(bin, ['status'], { env: clientEnv }), 'status'));
      figures.json.push(expect(await timedCommand(bin, ['status', '--json'], { env: clientEnv }), 'status --json'));
      figures.rpc.push(expect(await timedCommand(bin, ['rpc', '1+1'], { env: clientEnv }), 'rpc'));
    }
    commands.push(
      'RELEASE_DISTRIBUTION=name RELEASE_NODE=foo@127.0.0.1 KVREL_PORT_MAPPER_PORT=<free> <tmp>/foo/bin/foo ping | status | status --json | rpc "1+1"',
    );
    const ms = (s) => ({ median: `${s.median} ms`, min: `${s.min} ms`, max: `${s.max} ms`, runs: s.runs });
    return [
      { figure: 'bin/foo ping round trip', ...ms(summary(figures.ping)), target: 'about rpc "1+1"' },
      { figure: 'bin/foo status round trip', ...ms(summary(figures.status)), target: 'about rpc "1+1"' },
      { figure: 'bin/foo status --json round trip', ...ms(summary(figures.json)), target: 'about rpc "1+1"' },
      { figure: 'bin/foo rpc "1+1" round trip (same runs)', ...ms(summary(figures.rpc)), target: '—' },
    ];
  } finally {
    await stopProcess(node.child);
    await stopPortMapper(mapperPort);
  }
}

async function metricsCost({ dir, kvload, d, pairs, log, commands }) {
  const rows = [];
  for (const depth of [1, 16]) {
    const ops = { off: [], on: [] };
    const cpu = { off: [], on: [] }; // the node's CPU µs per operation: less swayed by a busy machine than ops/s
    const scrapes = [];
    for (let pair = 0; pair < pairs; pair++) {
      for (const mode of ['off', 'on']) {
        const metricsPort = await freePort();
        const node = await startReleaseNode({ releaseDir: dir, env: mode === 'on' ? { KVREL_METRICS_PORT: String(metricsPort) } : {} });
        const scraper = mode === 'on' ? startScraper(metricsPort, scrapes) : undefined;
        try {
          log(`operations: kvload 50 clients × depth ${depth}, metrics ${mode} (pair ${pair + 1}/${pairs})`);
          const cpuBefore = cpuSeconds(node.pid);
          const r = await runKvload(kvload, node.port, { clients: 50, pipeline: depth, warmupS: d.kvloadWarmupS, durationS: d.kvloadS });
          if (r.errors > 0) throw new Error(`kvload reported ${r.errors} errors`);
          ops[mode].push(r.opsPerSec);
          cpu[mode].push(((cpuSeconds(node.pid) - cpuBefore) * 1e6) / (r.opsPerSec * (d.kvloadS + d.kvloadWarmupS)));
          if (!commands.includes(r.command.replace(/--port \d+/, '--port P'))) commands.push(r.command.replace(/--port \d+/, '--port P'));
        } finally {
          scraper?.stop();
          await stopProcess(node.child);
        }
      }
    }
    const off = summary(ops.off, 0);
    const on = summary(ops.on, 0);
    const cost = ((off.median - on.median) / off.median) * 100;
    rows.push({ figure: `kvload 50 clients depth ${depth}, metrics off: ops/s`, ...off, target: '—' });
    rows.push({ figure: `kvload 50 clients depth ${depth}, metrics on + scrape every 1 s: ops/s`, ...on, target: '—' });
    rows.push({
      figure: `metrics cost at depth ${depth}: ops/s (median vs median)`,
      median: `${cost.toFixed(1)}%`,
      min: '—',
      max: '—',
      runs: pairs,
      target: '< 2%',
    });
    const cpuOff = summary(cpu.off, 3);
    const cpuOn = summary(cpu.on, 3);
    rows.push({
      figure: `node CPU per operation at depth ${depth}, metrics off / on (µs)`,
      median: `${cpuOff.median} / ${cpuOn.median}`,
      min: `${cpuOff.min} / ${cpuOn.min}`,
      max: `${cpuOff.max} / ${cpuOn.max}`,
      runs: pairs,
      target: '—',
    });
    rows.push({
      figure: `metrics cost at depth ${depth}: node CPU per operation`,
      median: `${(((cpuOn.median - cpuOff.median) / cpuOff.median) * 100).toFixed(1)}%`,
      min: '—',
      max: '—',
      runs: pairs,
      target: '< 2%',
    });
    if (scrapes.length) {
      const s = summary(
        scrapes.map((x) => x.ms),
        2,
      );
      rows.push({
        figure: `GET /metrics under load (depth ${depth}), ${Math.round(scrapes.at(-1).bytes / 1024)} KiB`,
        median: `${s.median} ms`,
        min: `${s.min} ms`,
        max: `${s.max} ms`,
        runs: s.runs,
        target: '—',
      });
    }
  }
  rows.push(...(await scrapeRate({ dir, kvload, d, pairs, log })));
  rows.push(await scrapeCpu({ dir, scrapes: pairs * 50 }));
  commands.push('KVREL_METRICS_PORT=<free> PORT=<free> RELEASE_DISTRIBUTION=none <tmp>/foo/bin/foo start; GET http://127.0.0.1:<metrics>/metrics every 1 s');
  return rows;
}

/**
 * One node with metrics on under kvload (50 clients, depth 1), alternately scraped 0 and 10 times a
 * second: no node restart between runs, and ten times the scrapes of the usual Prometheus setup.
 */
async function scrapeRate({ dir, kvload, d, pairs, log }) {
  const metricsPort = await freePort();
  const node = await startReleaseNode({ releaseDir: dir, env: { KVREL_METRICS_PORT: String(metricsPort) } });
  const cpu = { 0: [], 10: [] };
  try {
    for (let pair = 0; pair < pairs; pair++) {
      for (const perSecond of [0, 10]) {
        log(`operations: one node, kvload 50 clients × depth 1, ${perSecond} scrapes a second (pair ${pair + 1}/${pairs})`);
        const scraper = perSecond ? startScraper(metricsPort, [], 1000 / perSecond) : undefined;
        const before = cpuSeconds(node.pid);
        const r = await runKvload(kvload, node.port, { clients: 50, pipeline: 1, warmupS: d.kvloadWarmupS, durationS: d.kvloadS });
        scraper?.stop();
        cpu[perSecond].push(((cpuSeconds(node.pid) - before) * 1e6) / (r.opsPerSec * (d.kvloadS + d.kvloadWarmupS)));
      }
    }
  } finally {
    await stopProcess(node.child);
  }
  const none = summary(cpu[0], 2);
  const ten = summary(cpu[10], 2);
  return [
    {
      figure: 'one node, depth 1: CPU per operation with 0 / 10 scrapes a second (µs)',
      median: `${none.median} / ${ten.median}`,
      min: `${none.min} / ${ten.min}`,
      max: `${none.max} / ${ten.max}`,
      runs: pairs,
      target: '—',
    },
    {
      figure: 'one node, depth 1: cost of 10 scrapes a second, CPU per operation',
      median: `${(((ten.median - none.median) / none.median) * 100).toFixed(1)}%`,
      min: '—',
      max: '—',
      runs: pairs,
      target: '< 20% (2% at one a second)',
    },
  ];
}

/** The node's CPU time per scrape of an idle node: what one scrape a second costs a core. */
async function scrapeCpu({ dir, scrapes }) {
  const metricsPort = await freePort();
  const node = await startReleaseNode({ releaseDir: dir, env: { KVREL_METRICS_PORT: String(metricsPort) } });
  try {
    const scrape = async () => (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
    for (let i = 0; i < 5; i++) await scrape(); // warm: first collections compile their code
    const before = cpuSeconds(node.pid);
    for (let i = 0; i < scrapes; i++) await scrape();
    const ms = ((cpuSeconds(node.pid) - before) * 1000) / scrapes;
    return {
      figure: 'node CPU per scrape of /metrics (idle node)',
      median: `${ms.toFixed(2)} ms`,
      min: '—',
      max: '—',
      runs: scrapes,
      target: `one a second: ${(ms / 10).toFixed(2)}% of a core`,
    };
  } finally {
    await stopProcess(node.child);
  }
}

/** utime + stime of a process, in seconds (/proc/<pid>/stat, clock ticks of 1/100 s). */
function cpuSeconds(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** GET /metrics every `everyMs` until stopped; records each scrape's time and size. */
function startScraper(port, scrapes, everyMs = 1000) {
  let stopped = false;
  const timer = setInterval(async () => {
    if (stopped) return;
    const t0 = performance.now();
    try {
      const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      scrapes.push({ ms: performance.now() - t0, bytes: text.length });
    } catch {
      // the node is stopping
    }
  }, everyMs);
  return {
    stop() {
      stopped = true;
      clearInterval(timer);
    },
  };
}
