// Issues 5, 9 and 16: `kvrel release foo` wall time (first on the machine, cold, warm, after a one-line
// change in an application) and its size, on the default Node 26 and on the Node 24 line (`--node 24`),
// side by side in one run: boot-to-accept (bin/foo start, the SEA run directly, and a bare listener on
// the same Node binary as the floor), `bin/foo eval`, and `bin/foo rpc` / `pid`. KVREL_BENCH_BEFORE=<checkout built with npm run build> adds
// "before" (issue 16): that checkout's foo on Node 24 (at 872e9e0, the commit before the slice moved
// into the executable: the slice on disk as lib/node.mjs), booted and timed in the same runs.
import { appendFileSync, existsSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bootToAccept } from '../lib/boot-to-accept.mjs';
import { duBytes } from '../lib/dir-size.mjs';
import { durations } from '../lib/durations.mjs';
import { RELEASE_REFERENCES as REF } from '../lib/references.mjs';
import { buildRelease } from '../lib/release-build.mjs';
import { KVREL_CACHE, NODE24, NODE26, RELEASE_CACHE, ROOT } from '../lib/repo.mjs';
import { summary } from '../lib/summary.mjs';
import { makeTempDir } from '../lib/temp-dirs.mjs';
import { timedCommand } from '../lib/timed-command.mjs';
import { remoteRoundTrips } from './release-remote.mjs';

const COLUMNS = [
  { key: 'figure', label: 'figure' },
  { key: 'value', label: 'kvrel (median)' },
  { key: 'range', label: 'min–max' },
  { key: 'runs', label: 'runs' },
  { key: 'elixir', label: 'Elixir release' },
  { key: 'target', label: 'target' },
];
const FLOOR = "require('node:net').createServer().listen(+process.env.PORT,'127.0.0.1');process.on('SIGTERM',()=>process.exit(0))";
// The one-line change: a line appended to an application's source (restored afterwards).
const EDITED = join(ROOT, 'packages', 'kv', 'src', 'index.ts');

export async function runRelease({ quick, log }) {
  const { repeats, coldBuilds, warmBuilds } = durations(quick);
  const rows = [];
  const skipped = [];
  const commands = [];
  const base = makeTempDir('kvrel-bench-release-');
  const dir = join(base, 'foo');
  const dir24 = join(makeTempDir('kvrel-bench-release24-'), 'foo');
  const bin = join(dir, 'bin', 'foo');
  const bin24 = join(dir24, 'bin', 'foo');
  const seconds = (s) => ({ value: `${s.median.toFixed(2)} s`, range: `${s.min}–${s.max}`, runs: s.runs, medianS: s.median, minS: s.min, maxS: s.max });
  const ms = (s) => ({ value: `${s.median} ms`, range: `${s.min}–${s.max}`, runs: s.runs, medianMs: s.median, minMs: s.min, maxMs: s.max });
  const none = { elixir: '—', target: '—' };

  log(`release: kvrel release foo, ${coldBuilds} cold, ${warmBuilds} warm, ${warmBuilds} after a one-line change, then --tar; then --node 24`);
  const nodeCacheWarm = existsSync(NODE26) && existsSync(NODE24);
  const coldNote = nodeCacheWarm ? ' (Node binaries cached in ~/.cache/kvrel)' : ' (a Node binary fetched: cache was empty)';
  // Older kvrels kept the launcher's executable in kvrel's cache (sea/): cleared, so the first build is one.
  rmSync(RELEASE_CACHE('foo'), { recursive: true, force: true });
  rmSync(join(KVREL_CACHE, 'sea'), { recursive: true, force: true });
  rmSync(dir, { recursive: true, force: true });
  const first = await buildRelease(dir);
  const coldTimes = [];
  for (let i = 0; i < coldBuilds; i++) {
    rmSync(RELEASE_CACHE('foo'), { recursive: true, force: true });
    rmSync(dir, { recursive: true, force: true });
    coldTimes.push((await buildRelease(dir)).seconds);
  }
  const warm = [];
  for (let i = 0; i < warmBuilds; i++) warm.push(await buildRelease(dir));
  const warmSteps = reusedSteps(warm.at(-1).output);
  const original = readFileSync(EDITED, 'utf8');
  const edited = [];
  try {
    for (let i = 0; i < warmBuilds; i++) {
      // A line of code, not a comment: the minified bundle (and the executable carrying it) must change.
      appendFileSync(EDITED, `globalThis.__kvrelBenchEdit = ${Date.now()};\n`);
      edited.push(await buildRelease(dir));
      writeFileSync(EDITED, original);
    }
  } finally {
    writeFileSync(EDITED, original);
  }
  const editedSteps = reusedSteps(edited.at(-1).output);
  const tar = await buildRelease(dir, { tar: true });
  commands.push(`rm -rf _build/prod/kvrel-cache/foo <tmp>/foo && ${tar.command.replace(' --tar', '')}`, tar.command);
  commands.push(`echo "// bench: one-line change" >> packages/kv/src/index.ts && ${tar.command.replace(' --tar', '')}   # then the file restored`);

  const first24 = await buildRelease(dir24, { node: '24' });
  const warm24 = [];
  for (let i = 0; i < warmBuilds; i++) warm24.push((await buildRelease(dir24, { node: '24' })).seconds);
  commands.push(first24.command.replace('<tmp>/foo', '<tmp24>/foo'));

  // "Before": another checkout's kvrel builds its own foo on Node 24 (issue 16's reference layout).
  const beforeRoot = process.env.KVREL_BENCH_BEFORE;
  const dirBefore = beforeRoot ? join(makeTempDir('kvrel-bench-release-before-'), 'foo') : undefined;
  if (beforeRoot) {
    const before = await buildRelease(dirBefore, { node: '24', root: beforeRoot });
    commands.push(`${before.command.replace('<tmp>/foo', '<tmp-before>/foo')}   # with KVREL_BENCH_BEFORE's kvrel, in that checkout`);
  } else skipped.push('before (Node 24, slice on disk) skipped: set KVREL_BENCH_BEFORE to a checkout of 872e9e0 built with npm run build');
  const binBefore = dirBefore && join(dirBefore, 'bin', 'foo');

  const vsn = readdirSync(join(dir, 'releases')).find((f) => f !== 'COOKIE');
  const dirBytes = await duBytes(dir);
  const dir24Bytes = await duBytes(dir24);
  const tarBytes = statSync(join(base, `foo-${vsn}.tar.gz`)).size;
  const mb = (b) => `${Math.round(b / 1e5) / 10} MB`;
  rows.push(
    {
      figure: `release build, first on this machine (${stepTime(first.output, 'building the executable')} with node --build-sea)${coldNote}`,
      value: `${first.seconds.toFixed(2)} s`,
      seconds: round2(first.seconds),
      runs: 1,
      ...none,
    },
    { figure: `release build cold (project's _build removed)${coldNote}`, ...seconds(summary(coldTimes, 2)), ...REF.buildCold },
    {
      figure: `release build warm (nothing changed; reused: ${warmSteps})`,
      ...seconds(
        summary(
          warm.map((b) => b.seconds),
          2,
        ),
      ),
      ...REF.buildWarm,
    },
    {
      figure: `release build after a one-line change in packages/kv (reused: ${editedSteps})`,
      ...seconds(
        summary(
          edited.map((b) => b.seconds),
          2,
        ),
      ),
      ...REF.buildOneLine,
    },
    { figure: 'release build warm with --tar', value: `${tar.seconds.toFixed(2)} s`, seconds: round2(tar.seconds), runs: 1, ...none },
    {
      figure: `release build --node 24, first (${stepTime(first24.output, 'building the executable')} with blob + postject)`,
      value: `${first24.seconds.toFixed(2)} s`,
      seconds: round2(first24.seconds),
      runs: 1,
      ...none,
    },
    { figure: 'release build --node 24 warm (nothing changed)', ...seconds(summary(warm24, 2)), ...REF.buildWarm },
    { figure: 'release size on disk (du -sb), Node 26', value: mb(dirBytes), bytes: dirBytes, runs: 1, ...REF.sizeDir },
    { figure: 'release size on disk (du -sb), Node 24', value: mb(dir24Bytes), bytes: dir24Bytes, runs: 1, ...none },
    { figure: 'release size tar.gz, Node 26', value: mb(tarBytes), bytes: tarBytes, runs: 1, ...REF.sizeTar },
  );

  const releaseEnv = { RELEASE_ROOT: dir, RELEASE_NAME: 'foo', RELEASE_VSN: vsn, RELEASE_DISTRIBUTION: 'none' };
  const variants = [
    {
      figure: 'boot-to-accept: bin/foo start (Node 26 SEA via the sh launcher)',
      command: bin,
      args: ['start'],
      env: { RELEASE_DISTRIBUTION: 'none' },
      ref: REF.bootToAccept,
    },
    {
      figure: 'boot-to-accept: releases/<vsn>/foo start (Node 26 SEA, no launcher)',
      command: join(dir, 'releases', vsn, 'foo'),
      args: ['start'],
      env: releaseEnv,
    },
    { figure: 'boot-to-accept: node26 -e listen (floor, same Node binary)', command: NODE26, args: ['-e', FLOOR], env: {} },
    {
      figure: 'boot-to-accept: bin/foo start (Node 24 SEA via the sh launcher)',
      command: bin24,
      args: ['start'],
      env: { RELEASE_DISTRIBUTION: 'none' },
      ref: REF.bootToAccept,
    },
    { figure: 'boot-to-accept: node24 -e listen (floor, same Node binary)', command: NODE24, args: ['-e', FLOOR], env: {} },
    ...(binBefore
      ? [
          {
            figure: 'boot-to-accept: bin/foo start, before (Node 24, slice on disk)',
            command: binBefore,
            args: ['start'],
            env: { RELEASE_DISTRIBUTION: 'none' },
            ref: REF.bootToAccept,
          },
        ]
      : []),
  ];
  log(`release: boot-to-accept, ${repeats} runs of ${variants.length} variants, interleaved`);
  const times = variants.map(() => []);
  for (const v of variants) await bootToAccept(v.command, v.args, v.env); // one unmeasured run each (page cache)
  for (let i = 0; i < repeats; i++) {
    for (const [k, v] of variants.entries()) times[k].push(await bootToAccept(v.command, v.args, v.env));
  }
  const medians = times.map((t) => summary(t).median);
  for (const [k, v] of variants.entries()) rows.push({ figure: v.figure, ...ms(summary(times[k])), ...(v.ref ?? none) });
  const ratio = (a, b) => ({ value: `${(medians[a] / medians[b]).toFixed(2)}×`, ratio: round2(medians[a] / medians[b]), runs: repeats, ...REF.bootVsFloor });
  rows.push(
    { figure: 'boot-to-accept ratio: bin/foo start / bare listener, Node 26', ...ratio(0, 2) },
    { figure: 'boot-to-accept ratio: bin/foo start / bare listener, Node 24', ...ratio(3, 4) },
  );
  if (binBefore) rows.push({ figure: 'boot-to-accept ratio: bin/foo start, Node 26 / before', ...ratio(0, 5), elixir: '—', target: '< 1' });
  commands.push('PORT=<free> RELEASE_DISTRIBUTION=none <tmp>/foo/bin/foo start   # until connect() succeeds, polled every 0.5 ms');
  commands.push(`PORT=<free> ${NODE26.replace(process.env.HOME ?? '~', '~')} -e "${FLOOR}"   # and the same with the Node 24 binary`);

  // Interleaved like the boots, so the shared machine's drift falls on every line alike.
  const evalLines = [['26', bin], ['24', bin24], ...(binBefore ? [['24, before', binBefore]] : [])];
  log(`release: bin/foo eval "1+1" on ${evalLines.map(([line]) => `Node ${line}`).join(', ')}, ${repeats} runs each, interleaved`);
  const evals = evalLines.map(() => []);
  for (let i = 0; i < repeats; i++) {
    for (const [k, [, b]] of evalLines.entries()) {
      const r = await timedCommand(b, ['eval', '1+1']);
      if (r.status.code !== 0 || r.output.trim() !== '2')
        throw new Error(`bin/foo eval "1+1" gave ${JSON.stringify(r.output.trim())} (${JSON.stringify(r.status)})`);
      evals[k].push(r.ms);
    }
  }
  const evalMedians = {};
  for (const [k, [line]] of evalLines.entries()) {
    rows.push({ figure: `bin/foo eval "1+1" wall, Node ${line}`, ...ms(summary(evals[k])), ...REF.eval });
    evalMedians[line] = summary(evals[k]).median;
  }
  if (binBefore)
    rows.push({
      figure: 'bin/foo eval "1+1" ratio: Node 26 / before',
      value: `${(evalMedians['26'] / evalMedians['24, before']).toFixed(2)}×`,
      runs: repeats,
      elixir: '—',
      target: '< 1',
    });
  commands.push('<tmp>/foo/bin/foo eval "1+1"   # and <tmp24>/foo/bin/foo');

  const remoteMedians = {};
  for (const [line, d, b] of [['26', dir, bin], ['24', dir24, bin24], ...(binBefore ? [['24, before', dirBefore, binBefore]] : [])]) {
    const remote = await remoteRoundTrips({ dir: d, bin: b, repeats, ms, skipped, commands: line === '26' ? commands : [], log });
    rows.push(...remote.map((row) => ({ ...row, figure: `${row.figure}, Node ${line}` })));
    remoteMedians[line] = Object.fromEntries(remote.map((row) => [row.figure.includes('rpc') ? 'rpc' : 'pid', row.medianMs]));
  }
  for (const what of binBefore && remoteMedians['24, before'].rpc ? ['rpc', 'pid'] : []) {
    const ratioOf = remoteMedians['26'][what] / remoteMedians['24, before'][what];
    rows.push({
      figure: `bin/foo ${what === 'rpc' ? 'rpc "1+1"' : 'pid'} ratio: Node 26 / before`,
      value: `${ratioOf.toFixed(2)}×`,
      runs: repeats,
      elixir: '—',
      target: '< 1',
    });
  }
  return {
    title: 'release (issues 5, 16): release foo, Node 26 SEA (default) and Node 24 SEA',
    columns: COLUMNS,
    rows,
    skipped,
    commands,
    nodeBinaryCacheWarm: nodeCacheWarm,
  };
}

/** The steps a build printed as reused/unchanged, e.g. "bundling, building the executable". */
function reusedSteps(output) {
  const reused = output
    .split('\n')
    .filter((line) => /^\* .*\b(unchanged|reused)\b/.test(line))
    .map((line) => /^\* (.+?) \(/.exec(line)?.[1] ?? line);
  return reused.length > 0 ? reused.join(', ') : 'none';
}

/** "building the executable … in 1234 ms" → "building the executable: 1234 ms". */
function stepTime(output, step) {
  const match = new RegExp(`^\\* ${step} .* in (\\d+) ms$`, 'm').exec(output);
  return match ? `${step}: ${match[1]} ms` : step;
}

function round2(x) {
  return Math.round(x * 100) / 100;
}
