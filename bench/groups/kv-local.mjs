// Issue 3: throughput and latency of local operations, 90:10 GET:PUT, 26 buckets, 10,000 keys, 16-byte
// values, 1 and 50 clients × depth 1 and 16: our Node load generator and the C kvload against
// `kvrel run`, and kvload against release foo (on its embedded Node).
import { runLoad } from '../load/load-generator.mjs';
import { benchRelease } from '../lib/bench-release.mjs';
import { durations } from '../lib/durations.mjs';
import { startReleaseNode, startSourceNode } from '../lib/kv-node.mjs';
import { ensureKvload, runKvload } from '../lib/kvload.mjs';
import { loadRow } from '../lib/load-row.mjs';
import { stopProcess } from '../lib/processes.mjs';
import { KV_REFERENCES } from '../lib/references.mjs';

const SCENARIOS = [
  { clients: 1, depth: 1 },
  { clients: 1, depth: 16 },
  { clients: 50, depth: 1 },
  { clients: 50, depth: 16 },
];

export const COLUMNS = [
  { key: 'node', label: 'node' },
  { key: 'tool', label: 'load' },
  { key: 'clients', label: 'clients' },
  { key: 'depth', label: 'depth' },
  { key: 'opsPerSec', label: 'ops/s' },
  { key: 'p50Us', label: 'p50 µs' },
  { key: 'p99Us', label: 'p99 µs' },
  { key: 'p999Us', label: 'p99.9 µs' },
  { key: 'errors', label: 'errors' },
  { key: 'elixir', label: 'Elixir (kvload)' },
  { key: 'redis', label: 'Redis (kvload)' },
  { key: 'target', label: 'target' },
];

export async function runKvLocal({ quick, log }) {
  const d = durations(quick);
  const rows = [];
  const skipped = [];
  const commands = [];
  const kvload = await ensureKvload();
  if (kvload.skip) skipped.push(`kvload: ${kvload.skip}`);

  const refs = (clients, depth) => (clients === 50 ? KV_REFERENCES[depth] : {});
  async function measure(label, node) {
    commands.push(node.command);
    for (const { clients, depth } of SCENARIOS) {
      if (label.startsWith('kvrel run')) {
        log(`kv-local: ${label}, bench/load, ${clients} clients × depth ${depth}`);
        const r = await runLoad({ port: node.port, clients, pipeline: depth, warmupS: d.loadWarmupS, durationS: d.loadS });
        rows.push({ node: label, tool: 'bench/load', clients, depth, ...loadRow(r), ...refs(clients, depth) });
      }
      if (kvload.path) {
        log(`kv-local: ${label}, kvload, ${clients} clients × depth ${depth}`);
        const r = await runKvload(kvload.path, node.port, { clients, pipeline: depth, warmupS: d.kvloadWarmupS, durationS: d.kvloadS });
        if (!commands.includes(r.command.replace(/--port \d+/, '--port P'))) commands.push(r.command.replace(/--port \d+/, '--port P'));
        rows.push({ node: label, tool: 'kvload', clients, depth, ...loadRow(r), ...refs(clients, depth) });
      }
    }
  }

  const source = await startSourceNode();
  try {
    await measure(`kvrel run (Node ${source.nodeVersion})`, source);
  } finally {
    await stopProcess(source.child);
  }
  if (kvload.path) {
    const release = await startReleaseNode({ releaseDir: await benchRelease() });
    try {
      await measure('release foo (Node 24 SEA)', release);
    } finally {
      await stopProcess(release.child);
    }
  } else skipped.push('release foo: kvload scenarios skipped (kvload did not build)');
  return { title: 'kv-local (issue 3): local GET/PUT 90:10, 26 buckets, 10,000 keys, 16 B values', columns: COLUMNS, rows, skipped, commands, durations: d };
}
