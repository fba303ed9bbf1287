// Command line of the load generator, with kvload's option names; the last line is kvload's:
// ops/s=<n> p50_us=<n> p99_us=<n> p999_us=<n> errors=<n>
//   node bench/load/cli.mjs --port 4040 --clients 50 --pipeline 1 --ratio 90:10 --buckets 26 \
//     --keys 10000 --value-size 16 --preload --warmup 1 --duration 10 [--letters nopqrstuvwxyz] [--workers 2]
import { parseArgs } from 'node:util';
import { runLoad } from './load-generator.mjs';

const { values: v } = parseArgs({
  options: {
    port: { type: 'string', default: '4040' },
    clients: { type: 'string', default: '50' },
    pipeline: { type: 'string', default: '1' },
    ratio: { type: 'string', default: '90:10' },
    buckets: { type: 'string', default: '26' },
    letters: { type: 'string' },
    keys: { type: 'string', default: '10000' },
    'value-size': { type: 'string', default: '16' },
    preload: { type: 'boolean', default: false },
    warmup: { type: 'string', default: '1' },
    duration: { type: 'string', default: '10' },
    workers: { type: 'string' },
  },
});
const ratio = v.ratio.split(':').map(Number);
if (ratio.length !== 2 || ratio.some((n) => !Number.isInteger(n) || n < 0) || ratio[0] + ratio[1] === 0) {
  console.error(`--ratio must look like 90:10, got ${JSON.stringify(v.ratio)}`);
  process.exit(2);
}
const r = await runLoad({
  port: Number(v.port),
  clients: Number(v.clients),
  pipeline: Number(v.pipeline),
  ratio,
  buckets: Number(v.buckets),
  ...(v.letters ? { bucketLetters: v.letters } : {}),
  keys: Number(v.keys),
  valueSize: Number(v['value-size']),
  preload: v.preload,
  warmupS: Number(v.warmup),
  durationS: Number(v.duration),
  ...(v.workers ? { workers: Number(v.workers) } : {}),
});
console.log(JSON.stringify({ ...r, errorKinds: r.errorKinds }, null, 0));
console.log(`ops/s=${r.opsPerSec} p50_us=${r.p50Us} p99_us=${r.p99Us} p999_us=${r.p999Us} errors=${r.errors}`);
process.exitCode = r.errors > 0 ? 1 : 0;
