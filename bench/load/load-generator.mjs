// The load generator: N closed-loop clients over worker threads, pipeline depth D, a GET:PUT mix over
// B buckets and K keys, 127.0.0.1 only. Phases, each bounded in time: CREATE the buckets, connect,
// preload (PUT every key once), warm-up, measurement. Returns ops/s and latency percentiles.
import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import { openLineClient } from '../lib/line-client.mjs';
import { ALL_LETTERS, bucketNames } from './keyspace.mjs';
import { percentileUs } from './histogram.mjs';
import { createStats, errorCount, mergeStats } from './load-stats.mjs';

export const LOAD_DEFAULTS = {
  clients: 50,
  pipeline: 1,
  preloadPipeline: 16,
  ratio: [90, 10],
  buckets: 26,
  bucketLetters: ALL_LETTERS,
  keys: 10_000,
  keyPrefix: 'k',
  valueSize: 16,
  preload: true,
  warmupS: 1,
  durationS: 5,
  preloadTimeoutS: 120,
  // The server under test needs a core too: on 2 cores one worker gives more ops/s and a lower p99
  // than two (measured: 125k vs 89k ops/s at 50 × depth 1).
  workers: Math.max(1, Math.min(4, availableParallelism() - 1)),
};

export async function runLoad(options) {
  const o = { ...LOAD_DEFAULTS, ...options };
  if (!Number.isInteger(o.port) || o.port <= 0) throw new Error(`runLoad: port must be a TCP port, got ${JSON.stringify(o.port)}`);
  if (o.durationS > 120 || o.warmupS > 30) throw new Error('runLoad: duration is bounded to 120 s and warm-up to 30 s');
  const buckets = bucketNames(o.buckets, o.bucketLetters);
  await createBuckets(o.port, buckets);

  const acked = new SharedArrayBuffer(o.keys);
  const workerCount = Math.max(1, Math.min(o.workers, o.clients));
  const workers = Array.from({ length: workerCount }, (_, w) => {
    const clientIndexes = [];
    for (let i = w; i < o.clients; i += workerCount) clientIndexes.push(i);
    return new Worker(new URL('./worker.mjs', import.meta.url), {
      workerData: {
        port: o.port,
        clientIndexes,
        clients: o.clients,
        pipeline: o.pipeline,
        preloadPipeline: o.preloadPipeline,
        ratio: o.ratio,
        keyspace: { buckets, keys: o.keys, keyPrefix: o.keyPrefix, valueSize: o.valueSize },
        acked,
      },
    });
  });
  try {
    const started = performance.now();
    await step(workers, { type: 'connect' }, 'connected', 30_000);
    let preload = null;
    if (o.preload) {
      const t0 = performance.now();
      const s = await step(workers, { type: 'preload' }, 'preloaded', o.preloadTimeoutS * 1000);
      const seconds = (performance.now() - t0) / 1000;
      preload = { ops: s.ok, seconds, opsPerSec: s.ok / seconds, errors: errorCount(s), firstError: s.firstError };
    }
    let run = null;
    if (o.durationS > 0) {
      const t0 = performance.timeOrigin + performance.now() + 20; // workers start together
      const tMeasure = t0 + o.warmupS * 1000;
      const tEnd = tMeasure + o.durationS * 1000;
      const bound = (o.warmupS + o.durationS) * 1000 + 15_000; // the run plus a drain
      run = await step(workers, { type: 'run', tMeasure, tEnd }, 'ran', bound);
    }
    return summarize(o, run, preload, (performance.now() - started) / 1000);
  } finally {
    for (const w of workers) w.postMessage({ type: 'close' });
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

async function createBuckets(port, buckets) {
  const control = await openLineClient(port);
  try {
    for (const b of new Set(buckets)) {
      const [reply] = await control.command(`CREATE ${b}`);
      if (reply !== 'OK') throw new Error(`CREATE ${b} answered ${JSON.stringify(reply)}`);
    }
  } finally {
    control.close();
  }
}

/** Posts `msg` to every worker and merges their answers; rejects on a failure or after timeoutMs. */
function step(workers, msg, answer, timeoutMs) {
  return new Promise((resolve, reject) => {
    const total = createStats();
    let pending = workers.length;
    const timer = setTimeout(() => finish(new Error(`load generator: no "${answer}" from every worker within ${timeoutMs} ms`)), timeoutMs);
    const listeners = workers.map((w) => {
      const onMessage = (m) => {
        if (m.type === 'failed') return finish(new Error(`load generator ${m.phase}: ${m.message}${m.stats.firstError ? ` (${m.stats.firstError})` : ''}`));
        if (m.type !== answer) return;
        mergeStats(total, m.stats);
        if (--pending === 0) finish(null, total);
      };
      const onError = (e) => finish(e);
      w.on('message', onMessage);
      w.on('error', onError);
      return () => (w.off('message', onMessage), w.off('error', onError));
    });
    function finish(error, value) {
      clearTimeout(timer);
      for (const off of listeners) off();
      error ? reject(error) : resolve(value);
    }
    for (const w of workers) w.postMessage(msg);
  });
}

function summarize(o, run, preload, wallS) {
  const round = (x) => (x === null ? null : Math.round(x * 10) / 10);
  const errors = run ? errorCount(run) : 0;
  return {
    opsPerSec: run ? Math.round(run.ok / o.durationS) : null,
    p50Us: run ? round(percentileUs(run.histogram, 0.5)) : null,
    p99Us: run ? round(percentileUs(run.histogram, 0.99)) : null,
    p999Us: run ? round(percentileUs(run.histogram, 0.999)) : null,
    errors: errors + (preload?.errors ?? 0),
    errorKinds: run ? run.errors : null,
    firstError: run?.firstError ?? preload?.firstError ?? null,
    gets: run?.gets ?? 0,
    hits: run?.hits ?? 0,
    puts: run?.puts ?? 0,
    preload: preload && { ops: preload.ops, seconds: round(preload.seconds), opsPerSec: Math.round(preload.opsPerSec) },
    wallSeconds: round(wallS),
  };
}
