// Issue 4: operations routed between nodes. foo@127.0.0.1 owns a–m, bar@127.0.0.1 owns n–z; all
// clients talk to foo only. Local: buckets a–m (served by foo itself); routed: buckets n–z (every
// operation goes foo → bar → foo). 50 clients, depth 1 and 16, 90:10, 26 buckets, 10,000 keys.
import { randomBytes } from 'node:crypto';
import { runLoad } from '../load/load-generator.mjs';
import { durations } from '../lib/durations.mjs';
import { startSourceNode } from '../lib/kv-node.mjs';
import { openLineClient } from '../lib/line-client.mjs';
import { loadRow } from '../lib/load-row.mjs';
import { allocatePortMapperPort, stopPortMapper } from '../lib/port-mapper.mjs';
import { stopProcess } from '../lib/processes.mjs';
import { ROUTED_TARGETS } from '../lib/references.mjs';
import { ensureKvload, runKvload } from '../lib/kvload.mjs';

const TABLE = 'a-m=foo@127.0.0.1,n-z=bar@127.0.0.1';
const LOCAL = 'abcdefghijklm';
const ROUTED = 'nopqrstuvwxyz';

const COLUMNS = [
  { key: 'buckets', label: 'buckets (via foo)' },
  { key: 'depth', label: 'depth' },
  { key: 'opsPerSec', label: 'ops/s' },
  { key: 'p50Us', label: 'p50 µs' },
  { key: 'p99Us', label: 'p99 µs' },
  { key: 'p999Us', label: 'p99.9 µs' },
  { key: 'errors', label: 'errors' },
  { key: 'vsLocal', label: 'routed/local' },
];

export async function runKvRouted({ quick, log }) {
  const d = durations(quick);
  const mapperPort = await allocatePortMapperPort();
  const cookie = randomBytes(12).toString('hex');
  // The cookie in the environment: --cookie would show it to every user (and warn).
  const env = { KV_ROUTING_TABLE: TABLE, KVREL_PORT_MAPPER_PORT: String(mapperPort), RELEASE_COOKIE: cookie };
  const nodes = [];
  const result = { title: 'kv-routed (issue 4): 50 clients of foo; a–m local to foo, n–z owned by bar', columns: COLUMNS, rows: [], skipped: [], commands: [] };
  try {
    for (const name of ['bar', 'foo']) {
      try {
        nodes.push(await startSourceNode({ args: ['--name', `${name}@127.0.0.1`], env }));
      } catch (error) {
        result.skipped.push(`kv-routed skipped: node ${name}@127.0.0.1 did not start (${error.message.split('\n')[0]})`);
        return result;
      }
    }
    const [bar, foo] = nodes;
    result.commands.push(...nodes.map((n) => `KV_ROUTING_TABLE="${TABLE}" KVREL_PORT_MAPPER_PORT=<free> RELEASE_COOKIE=X ${n.command}`));
    const problem = await probeRouting(foo.port, bar.port);
    if (problem) {
      result.skipped.push(`kv-routed skipped: distribution does not route yet: ${problem}`);
      return result;
    }
    for (const depth of [1, 16]) {
      const local = { depth, buckets: 'a–m (local)' };
      const routed = { depth, buckets: 'n–z (routed to bar)' };
      for (const [row, letters] of [
        [local, LOCAL],
        [routed, ROUTED],
      ]) {
        log(`kv-routed: ${row.buckets}, 50 clients × depth ${depth}`);
        const r = await runLoad({
          port: foo.port,
          clients: 50,
          pipeline: depth,
          bucketLetters: letters,
          buckets: 26,
          warmupS: d.loadWarmupS,
          durationS: d.loadS,
        });
        Object.assign(row, loadRow(r));
      }
      routed.vsLocal = `p50 ×${ratio(routed.p50Us, local.p50Us)}, ops ×${ratio(routed.opsPerSec, local.opsPerSec)}`;
      result.rows.push(local, routed);
    }
    result.targets = ROUTED_TARGETS;
    await runWithKvload({ result, nodes, env, d, log });
    return result;
  } finally {
    for (const n of nodes.reverse()) await stopProcess(n.child);
    const mappers = await stopPortMapper(mapperPort);
    if (mappers.length) result.stoppedPortMappers = mappers.length;
  }
}

/**
 * The same comparison with the C load generator (lighter on the shared cores). kvload spreads its
 * buckets over a–z, so the tables change instead: first every bucket lives on foo (local), then every
 * bucket lives on bar (each operation goes foo → bar → foo).
 */
async function runWithKvload({ result, nodes, env, d, log }) {
  const kvload = await ensureKvload();
  if (!kvload.path) {
    result.skipped.push(`kvload rows skipped: ${kvload.skip}`);
    return;
  }
  const rows = [];
  for (const [label, table] of [
    ['a–z local to foo (kvload)', 'a-z=foo@127.0.0.1'],
    ['a–z owned by bar (kvload)', 'a-z=bar@127.0.0.1'],
  ]) {
    for (const n of nodes.splice(0).reverse()) await stopProcess(n.child);
    for (const name of ['bar', 'foo']) {
      nodes.push(await startSourceNode({ args: ['--name', `${name}@127.0.0.1`], env: { ...env, KV_ROUTING_TABLE: table } }));
    }
    const foo = nodes[1];
    for (const depth of [1, 16]) {
      log(`kv-routed: ${label}, 50 clients × depth ${depth}`);
      const r = await runKvload(kvload.path, foo.port, { clients: 50, pipeline: depth, warmupS: 1, durationS: Math.min(d.loadS, 6) });
      rows.push({ depth, buckets: label, ...loadRow(r) });
    }
  }
  for (const depth of [1, 16]) {
    const [local, routed] = rows.filter((r) => r.depth === depth);
    routed.vsLocal = `p50 ×${ratio(routed.p50Us, local.p50Us)}, ops ×${ratio(routed.opsPerSec, local.opsPerSec)}`;
    result.rows.push(local, routed);
  }
}

/** null when foo routes n–z to bar (checked by asking bar directly), else what went wrong. */
async function probeRouting(fooPort, barPort) {
  const foo = await openLineClient(fooPort);
  const bar = await openLineClient(barPort);
  try {
    const steps = [
      [foo, 'CREATE nprobe', ['OK']],
      [foo, 'PUT nprobe k v1', ['OK']],
      [foo, 'GET nprobe k', ['v1', 'OK']],
      [bar, 'GET nprobe k', ['v1', 'OK']],
    ];
    for (const [client, line, want] of steps) {
      const got = await client.command(line).catch((e) => [e.message]);
      if (got.join('|') !== want.join('|'))
        return (
          `${client === foo ? 'foo' : 'bar'} answered ${JSON.stringify(got.join('\\r\\n'))} to ${JSON.stringify(line)}, expected ` +
          `${JSON.stringify(want.join('\\r\\n'))}`
        );
    }
    return null;
  } finally {
    foo.close();
    bar.close();
  }
}

function ratio(a, b) {
  return a && b ? Math.round((a / b) * 100) / 100 : '—';
}
