// `npm run bench`: runs the scenario groups, prints a table per group and writes
// bench/results/<group>.json. Every process it starts is stopped by pid and every temp dir removed,
// also on error or Ctrl-C; a watchdog bounds the whole run.
//   node bench/run.mjs [--quick] [--only
// kv-local,memory,kv-routed,release,any-project,node-patterns,nest-starter,operations,distribution,dist-security,profile,target]
import { parseArgs } from 'node:util';
import { relative } from 'node:path';
import { runKvLocal } from './groups/kv-local.mjs';
import { runKvRouted } from './groups/kv-routed.mjs';
import { runDistribution } from './groups/distribution.mjs';
import { runDistSecurity } from './groups/dist-security.mjs';
import { runOperations } from './groups/operations.mjs';
import { runMemory } from './groups/memory.mjs';
import { runRelease } from './groups/release.mjs';
import { runAnyProject } from './groups/any-project.mjs';
import { runNodePatterns } from './groups/node-patterns.mjs';
import { runNestStarter } from './groups/nest-starter.mjs';
import { runTarget } from './groups/target.mjs';
import { runProfile } from './profile/profile-node.mjs';
import { killAllPortMappersNow, stopAllPortMappers } from './lib/port-mapper.mjs';
import { killAllNow, stopAll } from './lib/processes.mjs';
import { ROOT } from './lib/repo.mjs';
import { writeResults } from './lib/results.mjs';
import { formatTable } from './lib/table.mjs';
import { removeTempDirs } from './lib/temp-dirs.mjs';

const GROUPS = {
  'kv-local': runKvLocal,
  memory: runMemory,
  'kv-routed': runKvRouted,
  release: runRelease,
  'any-project': runAnyProject,
  'node-patterns': runNodePatterns,
  'nest-starter': runNestStarter,
  operations: runOperations,
  distribution: runDistribution,
  'dist-security': runDistSecurity,
  profile: runProfile,
  target: runTarget,
};
const DEFAULT_GROUPS = [
  'kv-local',
  'memory',
  'kv-routed',
  'release',
  'any-project',
  'node-patterns',
  'nest-starter',
  'operations',
  'distribution',
  'dist-security',
]; // profile and target (minutes under emulation) only with --only

const { values: flags } = parseArgs({ options: { quick: { type: 'boolean', default: false }, only: { type: 'string' } } });
const selected = flags.only ? flags.only.split(',').map((g) => g.trim()) : DEFAULT_GROUPS;
const unknown = selected.filter((g) => !(g in GROUPS));
if (unknown.length) {
  console.error(`bench: unknown group ${unknown.map((g) => JSON.stringify(g)).join(', ')}; the groups are ${Object.keys(GROUPS).join(', ')}`);
  process.exit(2);
}

const watchdogMs = (flags.quick ? 3 : 25) * 60_000;
const watchdog = setTimeout(() => abort(`bench: still running after ${watchdogMs / 60_000} min; stopping`), watchdogMs);
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => abort(`bench: ${signal}, stopping`));
process.on('exit', () => (killAllNow(), removeTempDirs()));

function abort(message) {
  console.error(message);
  killAllNow();
  killAllPortMappersNow();
  removeTempDirs();
  process.exit(1);
}

const log = (line) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${line}`);
const started = Date.now();
let failed = 0;
for (const group of selected) {
  const t0 = Date.now();
  try {
    const result = await GROUPS[group]({ quick: flags.quick, log });
    const { title, columns, rows, skipped = [], ...rest } = result;
    if (rows.length) console.log(formatTable(title, columns, rows));
    else console.log(`\n### ${title}\n\n(no figures)`);
    for (const s of skipped) console.log(`skipped: ${s}`);
    if (!flags.quick && group !== 'profile') {
      const file = writeResults(group, { title, seconds: Math.round((Date.now() - t0) / 1000), skipped, rows, ...rest });
      console.log(`wrote ${relative(ROOT, file)}`);
    }
  } catch (error) {
    failed++;
    console.error(`\nbench ${group} failed: ${error.stack ?? error}`);
  } finally {
    await stopAll();
    const mappers = await stopAllPortMappers(); // started on demand by distributed nodes, outliving them (SPEC §5)
    if (mappers.length) console.log(`stopped ${mappers.length} port mapper(s) our nodes had started: pid ${mappers.join(', ')}`);
  }
}
clearTimeout(watchdog);
removeTempDirs();
console.log(
  `\nbench: ${selected.join(', ')} in ${Math.round((Date.now() - started) / 1000)} s${flags.quick ? ' (--quick: figures not written to bench/results)' : ''}`,
);
process.exitCode = failed ? 1 : 0;
