// The reference C load generator (../shared/tools/kvload): build it once, run it, parse its last line
// `ops/s=<n> p50_us=<n> p99_us=<n> p999_us=<n> errors=<n>`.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { spawnTracked, tail, waitForExit } from './processes.mjs';
import { KVLOAD_DIR } from './repo.mjs';
import { makeTempDir } from './temp-dirs.mjs';

const run = promisify(execFile);
let built; // { path } | { skip }

/** `make -C <dir>`; if the folder is not writable, gcc into a temp dir. Returns { path } or { skip }. */
export async function ensureKvload() {
  if (built) return built;
  const source = join(KVLOAD_DIR, 'kvload.c');
  if (!existsSync(source)) return (built = { skip: `kvload not found at ${KVLOAD_DIR}` });
  try {
    await run('make', ['-C', KVLOAD_DIR], { timeout: 60_000 });
    return (built = { path: join(KVLOAD_DIR, 'kvload') });
  } catch (makeError) {
    try {
      const out = join(makeTempDir('kvload-'), 'kvload');
      await run('gcc', ['-O2', '-std=gnu11', '-pthread', '-o', out, source], { timeout: 60_000 });
      return (built = { path: out });
    } catch (gccError) {
      return (built = { skip: `kvload did not build: make: ${firstLine(makeError)}; gcc: ${firstLine(gccError)}` });
    }
  }
}

function firstLine(error) {
  return String(error.stderr || error.message)
    .trim()
    .split('\n')[0];
}

export function kvloadArgs(port, { clients, pipeline, durationS, warmupS, keys = 10_000, buckets = 26 }) {
  return [
    '--port',
    String(port),
    '--clients',
    String(clients),
    '--pipeline',
    String(pipeline),
    '--ratio',
    '90:10',
    '--buckets',
    String(buckets),
    '--keys',
    String(keys),
    '--value-size',
    '16',
    '--preload',
    '--warmup',
    String(warmupS),
    '--duration',
    String(durationS),
  ];
}

export async function runKvload(path, port, scenario) {
  const args = kvloadArgs(port, scenario);
  const child = spawnTracked(path, args);
  const status = await waitForExit(child, (scenario.durationS + scenario.warmupS + 60) * 1000, 'kvload');
  const m = [...child.output.matchAll(/ops\/s=(\d+) p50_us=(\d+) p99_us=(\d+) p999_us=(\d+) errors=(\d+)/g)].at(-1);
  if (!m) throw new Error(`kvload gave no result line (${JSON.stringify(status)}):\n${tail(child.output)}`);
  const [opsPerSec, p50Us, p99Us, p999Us, errors] = m.slice(1).map(Number);
  return { opsPerSec, p50Us, p99Us, p999Us, errors, command: `kvload ${args.join(' ')}` };
}
