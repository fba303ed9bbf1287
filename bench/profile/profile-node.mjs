// Profiles `kvrel run` under kvload (50 clients, depth 1 by default): node --cpu-prof, SIGTERM (graceful
// exit writes the profile), then the top self-time functions and scripts. Opt-in: --only profile.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runLoad } from '../load/load-generator.mjs';
import { startSourceNode } from '../lib/kv-node.mjs';
import { ensureKvload, runKvload } from '../lib/kvload.mjs';
import { stopProcess } from '../lib/processes.mjs';
import { makeTempDir } from '../lib/temp-dirs.mjs';
import { summarizeCpuProfile } from './summarize-cpuprofile.mjs';

const COLUMNS = [
  { key: 'selfPct', label: 'self %' },
  { key: 'selfMs', label: 'self ms' },
  { key: 'name', label: 'function (script:line) / script' },
];

export async function runProfile({ quick, log }) {
  const depth = Number(process.env.BENCH_PROFILE_DEPTH ?? 1);
  const dir = makeTempDir('kvrel-bench-prof-');
  const node = await startSourceNode({ nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${dir}`] });
  const kvload = await ensureKvload();
  const durationS = quick ? 2 : 10;
  log(`profile: kvrel run under ${kvload.path ? 'kvload' : 'bench/load'}, 50 clients × depth ${depth}, ${durationS} s`);
  let load;
  try {
    load = kvload.path
      ? await runKvload(kvload.path, node.port, { clients: 50, pipeline: depth, warmupS: 1, durationS })
      : await runLoad({ port: node.port, clients: 50, pipeline: depth, warmupS: 1, durationS });
  } finally {
    await stopProcess(node.child, 15_000);
  }
  const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
  if (!file) throw new Error(`node --cpu-prof wrote no profile (exit ${JSON.stringify(node.child.exitStatus)})`);
  const s = summarizeCpuProfile(JSON.parse(readFileSync(join(dir, file), 'utf8')), 20);
  const rows = [...s.functions, { name: '— by script —' }, ...s.scripts.slice(0, 10)];
  return {
    title: `profile: kvrel run, 50 clients × depth ${depth}, ${load.opsPerSec.toLocaleString('en-US')} ops/s under --cpu-prof, ${s.totalMs} ms sampled`,
    columns: COLUMNS,
    rows,
  };
}
