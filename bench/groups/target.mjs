// Issue 19: `kvrel release foo --target linux-arm64` on this x64 machine beside the x64 build: cold
// (the release's scratch folder removed; the Node binaries and their stripped copies stay cached in
// ~/.cache/kvrel) and warm (nothing changed), and the arm64 release's boot-to-accept under qemu-user,
// reported beside the x64 one (emulation is not what a real arm64 server does: a figure to report,
// not to optimise). Not in the default run (minutes under emulation): `npm run bench -- --only target`.
import { rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { bootToAccept } from '../lib/boot-to-accept.mjs';
import { durations } from '../lib/durations.mjs';
import { buildRelease } from '../lib/release-build.mjs';
import { RELEASE_CACHE } from '../lib/repo.mjs';
import { summary } from '../lib/summary.mjs';
import { makeTempDir } from '../lib/temp-dirs.mjs';

const COLUMNS = [
  { key: 'figure', label: 'figure' },
  { key: 'x64', label: 'linux-x64 (median)' },
  { key: 'arm64', label: 'linux-arm64 (median)' },
  { key: 'range', label: 'arm64 min–max' },
  { key: 'runs', label: 'runs' },
];
/** An emulated build writes the executable and probes it under qemu: about a minute when idle. */
const ARM64_BUILD_TIMEOUT_MS = 600_000;
const EMULATED_BOOT_TIMEOUT_MS = 120_000;

export async function runTarget({ quick, log }) {
  const { coldBuilds, warmBuilds } = durations(quick);
  const bootRuns = quick ? 1 : 3;
  const targets = { x64: { target: 'linux-x64', cache: RELEASE_CACHE('foo') }, arm64: { target: 'linux-arm64', cache: RELEASE_CACHE('foo-linux-arm64') } };
  const seconds = (values) => summary(values, 2);
  const figures = { cold: {}, warm: {}, boot: {}, size: {} };
  const commands = [];
  for (const [key, { target, cache }] of Object.entries(targets)) {
    const dir = join(makeTempDir(`kvrel-bench-target-${key}-`), 'foo');
    const options = { target, timeoutMs: ARM64_BUILD_TIMEOUT_MS };
    log(`target: kvrel release foo --target ${target}, ${coldBuilds} cold, ${warmBuilds} warm`);
    await buildRelease(dir, options); // fetches and strips the target's Node once: not measured
    const cold = [];
    for (let i = 0; i < coldBuilds; i++) {
      rmSync(cache, { recursive: true, force: true });
      rmSync(dir, { recursive: true, force: true });
      cold.push((await buildRelease(dir, options)).seconds);
    }
    const warm = [];
    for (let i = 0; i < warmBuilds; i++) warm.push((await buildRelease(dir, options)).seconds);
    commands.push(
      `rm -rf ${cache.replace(/^.*\/_build/, '_build')} <tmp>/foo && node packages/kvrel/dist/bin/kvrel.cjs release foo --target ${target} --path ` +
        `<tmp>/foo   # cold; again: warm`,
    );
    figures.cold[key] = seconds(cold);
    figures.warm[key] = seconds(warm);
    figures.size[key] = statSync(join(dir, 'releases', '0.0.1', 'foo')).size;
    log(`target: boot-to-accept of bin/foo start for ${target}, ${bootRuns} runs`);
    const boots = [];
    for (let i = 0; i < bootRuns; i++)
      boots.push(await bootToAccept(join(dir, 'bin', 'foo'), ['start'], { RELEASE_DISTRIBUTION: 'none' }, { timeoutMs: EMULATED_BOOT_TIMEOUT_MS }));
    figures.boot[key] = summary(boots, 0);
  }
  commands.push('PORT=<free> RELEASE_DISTRIBUTION=none <tmp>/foo/bin/foo start   # until connect() succeeds; arm64 under qemu-user (binfmt_misc)');
  const row = (figure, { x64, arm64 }, unit) => ({
    figure,
    x64: `${x64.median} ${unit}`,
    arm64: `${arm64.median} ${unit}`,
    range: `${arm64.min}–${arm64.max}`,
    runs: arm64.runs,
    x64Median: x64.median,
    arm64Median: arm64.median,
    arm64Min: arm64.min,
    arm64Max: arm64.max,
  });
  const mb = (b) => `${Math.round(b / 1e5) / 10} MB`;
  const rows = [
    row('release build cold (scratch folder removed, Node and stripped copy cached)', figures.cold, 's'),
    row('release build warm (nothing changed)', figures.warm, 's'),
    row('boot-to-accept: bin/foo start (arm64 emulated by qemu-user)', figures.boot, 'ms'),
    {
      figure: 'executable size',
      x64: mb(figures.size.x64),
      arm64: mb(figures.size.arm64),
      range: '',
      runs: 1,
      x64Bytes: figures.size.x64,
      arm64Bytes: figures.size.arm64,
    },
  ];
  return { title: 'target (issue 19): release foo for linux-x64 and for linux-arm64, built on x64', columns: COLUMNS, rows, commands };
}
