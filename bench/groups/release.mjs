// Issues 5 and 9: `kvrel release foo` wall time cold and warm, size on disk and as tar.gz,
// boot-to-accept (bin/foo start, the SEA run directly, `node24 launcher.cjs start` on the same code
// without the SEA, and a bare node24 listener as the floor), `bin/foo eval`, and `bin/foo rpc` / `pid`.
import { copyFileSync, existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { bootToAccept } from '../lib/boot-to-accept.mjs';
import { duBytes } from '../lib/dir-size.mjs';
import { durations } from '../lib/durations.mjs';
import { RELEASE_REFERENCES as REF } from '../lib/references.mjs';
import { buildRelease } from '../lib/release-build.mjs';
import { KVREL_CACHE, NODE24, RELEASE_CACHE } from '../lib/repo.mjs';
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

export async function runRelease({ quick, log }) {
  const { repeats, coldBuilds, warmBuilds } = durations(quick);
  const rows = [];
  const skipped = [];
  const commands = [];
  const base = makeTempDir('kvrel-bench-release-');
  const dir = join(base, 'foo');
  const bin = join(dir, 'bin', 'foo');
  const seconds = (s) => ({ value: `${s.median.toFixed(2)} s`, range: `${s.min}–${s.max}`, runs: s.runs, medianS: s.median, minS: s.min, maxS: s.max });
  const ms = (s) => ({ value: `${s.median} ms`, range: `${s.min}–${s.max}`, runs: s.runs, medianMs: s.median, minMs: s.min, maxMs: s.max });

  log(`release: kvrel release foo, ${coldBuilds} cold, ${warmBuilds} warm, then --tar`);
  const nodeCacheWarm = existsSync(NODE24);
  const coldTimes = [];
  const firstTimes = [];
  // The first build on a machine also makes the launcher's executable (kept in kvrel's cache after).
  rmSync(RELEASE_CACHE('foo'), { recursive: true, force: true });
  rmSync(join(KVREL_CACHE, 'sea'), { recursive: true, force: true });
  rmSync(dir, { recursive: true, force: true });
  firstTimes.push((await buildRelease(dir)).seconds);
  for (let i = 0; i < coldBuilds; i++) {
    rmSync(RELEASE_CACHE('foo'), { recursive: true, force: true });
    rmSync(dir, { recursive: true, force: true });
    coldTimes.push((await buildRelease(dir)).seconds);
  }
  const warmTimes = [];
  for (let i = 0; i < warmBuilds; i++) warmTimes.push((await buildRelease(dir)).seconds);
  const tar = await buildRelease(dir, { tar: true });
  commands.push(`rm -rf _build/prod/kvrel-cache/foo <tmp>/foo && ${tar.command.replace(' --tar', '')}`, tar.command);
  const vsn = readdirSync(join(dir, 'releases')).find((f) => f !== 'COOKIE');
  const dirBytes = await duBytes(dir);
  const tarBytes = statSync(join(base, `foo-${vsn}.tar.gz`)).size;
  const mb = (b) => `${Math.round(b / 1e5) / 10} MB`;
  const coldNote = nodeCacheWarm ? ' (Node 24 binary cache ~/.cache/kvrel warm)' : ' (Node 24 fetched: cache was empty)';
  rows.push(
    { figure: `release build, first on this machine (builds the launcher executable)${coldNote}`, ...seconds(summary(firstTimes, 2)), elixir: '—', target: '—' },
    { figure: `release build cold (project's _build removed)${coldNote}`, ...seconds(summary(coldTimes, 2)), ...REF.buildCold },
    { figure: 'release build warm (nothing changed)', ...seconds(summary(warmTimes, 2)), ...REF.buildWarm },
    { figure: 'release build warm with --tar', value: `${tar.seconds.toFixed(2)} s`, seconds: round2(tar.seconds), runs: 1, elixir: '—', target: '—' },
    { figure: 'release size on disk (du -sb)', value: mb(dirBytes), bytes: dirBytes, runs: 1, ...REF.sizeDir },
    { figure: 'release size tar.gz', value: mb(tarBytes), bytes: tarBytes, runs: 1, ...REF.sizeTar },
  );

  // The launcher the SEA carries, copied so that a concurrent build cannot change it under us.
  const bundle = join(base, 'launcher.cjs');
  copyFileSync(join(RELEASE_CACHE('foo'), 'launcher.cjs'), bundle);
  const releaseEnv = { RELEASE_ROOT: dir, RELEASE_NAME: 'foo', RELEASE_VSN: vsn, RELEASE_DISTRIBUTION: 'none' };
  const variants = [
    { figure: 'boot-to-accept: bin/foo start (SEA via the sh launcher)', command: bin, args: ['start'], env: { RELEASE_DISTRIBUTION: 'none' }, ref: REF.bootToAccept },
    { figure: 'boot-to-accept: releases/<vsn>/foo start (SEA, no launcher)', command: join(dir, 'releases', vsn, 'foo'), args: ['start'], env: releaseEnv },
    { figure: 'boot-to-accept: node24 launcher.cjs start (same code, no SEA)', command: NODE24, args: [bundle, 'start'], env: releaseEnv, ref: REF.seaVsBundle },
    { figure: 'boot-to-accept: node24 -e listen (floor)', command: NODE24, args: ['-e', FLOOR], env: {} },
  ];
  log(`release: boot-to-accept, ${repeats} runs of ${variants.length} variants, interleaved`);
  const times = variants.map(() => []);
  for (const v of variants) await bootToAccept(v.command, v.args, v.env); // one unmeasured run each (page cache)
  for (let i = 0; i < repeats; i++) {
    for (const [k, v] of variants.entries()) times[k].push(await bootToAccept(v.command, v.args, v.env));
  }
  for (const [k, v] of variants.entries()) rows.push({ figure: v.figure, ...ms(summary(times[k])), ...(v.ref ?? { elixir: '—', target: '—' }) });
  commands.push('PORT=<free> RELEASE_DISTRIBUTION=none <tmp>/foo/bin/foo start   # until connect() succeeds, polled every 0.5 ms');
  commands.push(`PORT=<free> RELEASE_ROOT=<tmp>/foo RELEASE_VSN=${vsn} RELEASE_NAME=foo RELEASE_DISTRIBUTION=none ${NODE24.replace(process.env.HOME ?? '~', '~')} <launcher.cjs> start`);

  log(`release: bin/foo eval "1+1", ${repeats} runs`);
  const evals = [];
  for (let i = 0; i < repeats; i++) {
    const r = await timedCommand(bin, ['eval', '1+1']);
    if (r.status.code !== 0 || r.output.trim() !== '2') throw new Error(`bin/foo eval "1+1" gave ${JSON.stringify(r.output.trim())} (${JSON.stringify(r.status)})`);
    evals.push(r.ms);
  }
  rows.push({ figure: 'bin/foo eval "1+1" wall', ...ms(summary(evals)), ...REF.eval });
  commands.push('<tmp>/foo/bin/foo eval "1+1"');

  rows.push(...(await remoteRoundTrips({ dir, bin, repeats, ms, skipped, commands, log })));
  return { title: 'release (issue 5): release foo, Node 24 SEA', columns: COLUMNS, rows, skipped, commands, nodeBinaryCacheWarm: nodeCacheWarm };
}

function round2(x) {
  return Math.round(x * 100) / 100;
}
