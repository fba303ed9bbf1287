// Issue 17: what authenticated frames and TLS cost. Three variants, interleaved round by round:
//   before — main's kvrel, plain frames (a checkout built with `npm run build`, named by
//            KVREL_BENCH_BASELINE=<dir>; the row is skipped without it: no switch turns the tags off)
//   auth   — this kvrel, the default: every frame carries its HMAC tag
//   tls    — this kvrel with RELEASE_DIST_TLS (mutual TLS, test certificates made with openssl)
// Each variant: bar and foo from source (`kvrel run`), every bucket owned by bar (a-z=bar), the C
// kvload against foo (each operation foo → bar → foo), 50 clients × depth 1 and 16; then a hidden
// client (the runtime's connectHidden, as `rpc` uses) connects 30 times (median: TCP + TLS + cookie
// handshake) and calls system.eval("1+1") 2,000 times in sequence on one link (p50/p99). CPU per
// operation (both nodes' utime+stime) is the figure to compare on a busy machine; latencies move with it.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { durations } from '../lib/durations.mjs';
import { freePort } from '../lib/free-port.mjs';
import { ensureKvload, runKvload } from '../lib/kvload.mjs';
import { loadRow } from '../lib/load-row.mjs';
import { allocatePortMapperPort, stopPortMapper } from '../lib/port-mapper.mjs';
import { spawnTracked, stopProcess, waitForOutput } from '../lib/processes.mjs';
import { ROOT } from '../lib/repo.mjs';
import { makeTempDir } from '../lib/temp-dirs.mjs';

const COLUMNS = [
  { key: 'variant', label: 'variant' },
  { key: 'round', label: 'round' },
  { key: 'ops1', label: 'routed ops/s d1' },
  { key: 'p99d1', label: 'p99 µs d1' },
  { key: 'cpu1', label: 'CPU µs/op d1' },
  { key: 'ops16', label: 'routed ops/s d16' },
  { key: 'p99d16', label: 'p99 µs d16' },
  { key: 'cpu16', label: 'CPU µs/op d16' },
  { key: 'rpcP50', label: 'rpc 1+1 p50 µs' },
  { key: 'rpcP99', label: 'rpc 1+1 p99 µs' },
  { key: 'rpcCpu', label: 'node CPU µs/rpc' },
  { key: 'connectMs', label: 'connect+handshake ms' },
];

export async function runDistSecurity({ quick, log }) {
  const d = durations(quick);
  const result = {
    title: 'dist-security (issue 17): routed kv and rpc, plain (main) vs authenticated frames vs TLS',
    columns: COLUMNS,
    rows: [],
    skipped: [],
    commands: [],
  };
  const kvload = await ensureKvload();
  if (!kvload.path) {
    result.skipped.push(`dist-security skipped: ${kvload.skip}`);
    return result;
  }
  const baseline = process.env.KVREL_BENCH_BASELINE;
  const variants = [];
  if (baseline && existsSync(join(baseline, 'packages', 'kvrel', 'dist', 'bin', 'kvrel.cjs'))) variants.push({ name: 'before (main)', root: baseline });
  else result.skipped.push('before (main) skipped: set KVREL_BENCH_BASELINE to a checkout of main built with `npm run build`');
  const tlsFile = makeCertificates();
  variants.push({ name: 'auth (default)', root: ROOT }, { name: 'TLS', root: ROOT, tlsFile });
  const rounds = quick ? 1 : 3;
  for (let round = 1; round <= rounds; round++) {
    for (const variant of variants) {
      log(`dist-security: ${variant.name}, round ${round}`);
      result.rows.push({ variant: variant.name, round, ...(await measure(variant, kvload.path, d)) });
    }
  }
  result.commands.push('KVREL_BENCH_BASELINE=<main checkout, npm run build> npm run bench -- --only dist-security');
  return result;
}

async function measure(variant, kvloadPath, d) {
  const mapperPort = await allocatePortMapperPort();
  const cookie = randomBytes(12).toString('hex');
  const env = {
    ...process.env,
    KV_ROUTING_TABLE: 'a-z=bar@127.0.0.1',
    KVREL_PORT_MAPPER_PORT: String(mapperPort),
    RELEASE_COOKIE: cookie,
    ...(variant.tlsFile && { RELEASE_DIST_TLS: variant.tlsFile }),
  };
  const nodes = [];
  try {
    for (const name of ['bar', 'foo']) {
      const port = await freePort();
      const child = spawnTracked(
        process.execPath,
        [join(variant.root, 'packages', 'kvrel', 'dist', 'bin', 'kvrel.cjs'), 'run', '--name', `${name}@127.0.0.1`],
        {
          cwd: variant.root,
          env: { ...env, PORT: String(port) },
        },
      );
      await waitForOutput(child, / started on /, 60_000, `${variant.name} ${name} to boot`);
      nodes.push({ child, port });
    }
    const row = {};
    const cpu = () => nodes.reduce((sum, n) => sum + cpuSeconds(n.child.pid), 0);
    for (const depth of [1, 16]) {
      const scenario = { clients: 50, pipeline: depth, warmupS: 1, durationS: Math.min(d.loadS, 6) };
      const before = cpu();
      const r = loadRow(await runKvload(kvloadPath, nodes[1].port, scenario));
      row[`ops${depth}`] = r.opsPerSec;
      row[`p99d${depth}`] = r.p99Us;
      // Both nodes' CPU over the whole run (preload, warm-up, measured part) per measured-rate operation:
      // less sensitive than latency to the other work on a shared machine.
      row[`cpu${depth}`] = Math.round((((cpu() - before) * 1e6) / (r.opsPerSec * (scenario.durationS + scenario.warmupS))) * 10) / 10;
    }
    Object.assign(row, await rpcLatency(variant, cookie, mapperPort, d.repeats > 3 ? 2000 : 200, nodes[1].child.pid));
    return row;
  } finally {
    for (const n of nodes.reverse()) await stopProcess(n.child);
    await stopPortMapper(mapperPort);
  }
}

async function rpcLatency(variant, cookie, portMapperPort, calls, fooPid) {
  const runtime = await import(pathToFileURL(join(variant.root, 'packages', 'runtime', 'dist', 'internal.js')).href);
  const tls = variant.tlsFile ? runtime.loadDistTls(variant.tlsFile) : undefined;
  const options = { portMapperPort, ...(tls && { tls }) };
  const connects = [];
  for (let i = 0; i < 30; i++) {
    const started = process.hrtime.bigint();
    const link = await runtime.connectHidden('foo@127.0.0.1', cookie, options);
    connects.push(Number(process.hrtime.bigint() - started) / 1e6);
    link.close();
  }
  const link = await runtime.connectHidden('foo@127.0.0.1', cookie, options);
  const times = [];
  const cpuBefore = cpuSeconds(fooPid);
  try {
    for (let i = 0; i < calls; i++) {
      const started = process.hrtime.bigint();
      await link.call('system', 'eval', ['1+1', {}]);
      times.push(Number(process.hrtime.bigint() - started) / 1e3);
    }
  } finally {
    link.close();
  }
  const rpcCpu = Math.round(((cpuSeconds(fooPid) - cpuBefore) * 1e6) / calls);
  return {
    rpcP50: Math.round(quantile(times, 0.5)),
    rpcP99: Math.round(quantile(times, 0.99)),
    rpcCpu,
    connectMs: Math.round(quantile(connects, 0.5) * 10) / 10,
  };
}

/** A CA and one node certificate (every node uses it), and the RELEASE_DIST_TLS file naming them. */
function makeCertificates() {
  const dir = makeTempDir('dist-tls-');
  const openssl = (...args) => execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
  openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=bench-ca');
  openssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'node.key', '-out', 'node.csr', '-subj', '/CN=bench-node');
  openssl('x509', '-req', '-in', 'node.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'node.pem', '-days', '2');
  const file = join(dir, 'dist-tls.json');
  writeFileSync(file, JSON.stringify({ cert: 'node.pem', key: 'node.key', ca: 'ca.pem' }));
  return file;
}

/** utime + stime of a process, in seconds (clock ticks of 1/100 s). */
function cpuSeconds(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

function quantile(values, q) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}
