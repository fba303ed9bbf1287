// Issue 9: a user's project (test/fixtures/any-project: fastify, pino transport, N-API and NAN addons,
// worker file, figlet) installed from the packed tarballs. `npx kvrel release api` cold and warm,
// release size on disk and as tar.gz, and boot-to-accept of the release against the same app run by
// Node 26 as `node apps/api/dist/standalone.js` (tsc output: the sources, no bundle), interleaved.
import { cpSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { bootToAccept } from '../lib/boot-to-accept.mjs';
import { duBytes } from '../lib/dir-size.mjs';
import { durations } from '../lib/durations.mjs';
import { runAsUser as run } from '../lib/user-command.mjs';
import { NODE26, ROOT } from '../lib/repo.mjs';
import { summary } from '../lib/summary.mjs';
import { makeTempDir } from '../lib/temp-dirs.mjs';

const COLUMNS = [
  { key: 'figure', label: 'figure' },
  { key: 'value', label: 'median' },
  { key: 'range', label: 'min–max' },
  { key: 'runs', label: 'runs' },
  { key: 'target', label: 'target' },
];
const FLOOR = "require('node:net').createServer().listen(+process.env.PORT,'127.0.0.1');process.on('SIGTERM',()=>process.exit(0))";

export async function runAnyProject({ quick, log }) {
  const { repeats, coldBuilds, warmBuilds } = durations(quick);
  const base = makeTempDir('kvrel-bench-any-');
  const tarballs = join(base, 'tarballs');
  const dir = join(base, 'any-project');
  mkdirSync(tarballs, { recursive: true });
  log('any-project: npm pack kvrel and @kvrel/runtime, install the fixture (compiles better-sqlite3 once)');
  await run(ROOT, 'npm', ['pack', '--workspace', 'kvrel', '--workspace', '@kvrel/runtime', '--pack-destination', tarballs], 'npm pack');
  cpSync(join(ROOT, 'test', 'fixtures', 'any-project'), dir, { recursive: true });
  const packed = readdirSync(tarballs)
    .filter((f) => f.endsWith('.tgz'))
    .map((f) => join(tarballs, f));
  await run(dir, 'npm', ['install', '--save-dev', '--include=dev', '--prefer-offline', '--no-audit', '--no-fund', ...packed], 'npm install', {
    CFLAGS: '-O0',
    CXXFLAGS: '-O0',
  });
  await run(dir, 'npx', ['tsc', '-p', 'apps/api'], 'tsc -p apps/api');

  const rows = [];
  const ms = (s) => ({ value: `${s.median} ms`, range: `${s.min}–${s.max}`, runs: s.runs, medianMs: s.median });
  const seconds = (s) => ({ value: `${s.median.toFixed(2)} s`, range: `${s.min}–${s.max}`, runs: s.runs, medianS: s.median });
  log(`any-project: npx kvrel release api, ${coldBuilds} cold, ${warmBuilds} warm`);
  const cold = [];
  for (let i = 0; i < coldBuilds; i++) {
    await run(dir, 'rm', ['-rf', '_build'], 'rm -rf _build');
    cold.push(await run(dir, 'npx', ['kvrel', 'release', 'api'], 'kvrel release api'));
  }
  const warm = [];
  for (let i = 0; i < warmBuilds; i++) warm.push(await run(dir, 'npx', ['kvrel', 'release', 'api'], 'kvrel release api'));
  await run(dir, 'npx', ['kvrel', 'release', 'api', '--tar'], 'kvrel release api --tar');
  const rel = join(dir, '_build', 'prod', 'rel', 'api');
  const dirBytes = await duBytes(rel);
  const tarBytes = statSync(join(dir, '_build', 'prod', 'api-1.0.0.tar.gz')).size;
  const mb = (b) => `${Math.round(b / 1e5) / 10} MB`;
  rows.push(
    { figure: 'kvrel release api, cold (_build removed; launcher executable cached)', ...seconds(summary(cold, 2)), target: '≤ 4 s' },
    { figure: 'kvrel release api, warm (nothing changed)', ...seconds(summary(warm, 2)), target: '≤ 0.6 s' },
    { figure: 'release api size on disk (du -sb)', value: mb(dirBytes), bytes: dirBytes, runs: 1, target: '—' },
    { figure: 'release api size tar.gz', value: mb(tarBytes), bytes: tarBytes, runs: 1, target: '—' },
  );

  const logFile = join(base, 'api.log');
  const variants = [
    {
      figure: 'boot-to-accept: bin/api start (release, Node 26 SEA)',
      command: join(rel, 'bin', 'api'),
      args: ['start'],
      env: { RELEASE_DISTRIBUTION: 'none' },
    },
    {
      figure: 'boot-to-accept: node26 apps/api/dist/standalone.js (same app, no kvrel)',
      command: NODE26,
      args: [join(dir, 'apps', 'api', 'dist', 'standalone.js')],
      env: { API_LOG_FILE: logFile },
      anyExit: true,
    },
    { figure: 'boot-to-accept: node26 -e listen (floor)', command: NODE26, args: ['-e', FLOOR], env: {} },
  ];
  log(`any-project: boot-to-accept, ${repeats} runs of ${variants.length} variants, interleaved`);
  const times = variants.map(() => []);
  for (const v of variants) await bootToAccept(v.command, v.args, v.env, v);
  for (let i = 0; i < repeats; i++) for (const [k, v] of variants.entries()) times[k].push(await bootToAccept(v.command, v.args, v.env, v));
  const medians = times.map((t) => summary(t).median);
  for (const [k, v] of variants.entries())
    rows.push({ figure: v.figure, ...ms(summary(times[k])), target: k === 0 ? 'not slower than node26 standalone' : '—' });
  rows.push({ figure: 'ratio release / standalone', value: (medians[0] / medians[1]).toFixed(2), runs: repeats, target: '≤ 1.00' });
  const commands = [
    'npm pack --workspace kvrel --workspace @kvrel/runtime; cp -r test/fixtures/any-project <tmp>; npm install -D <tarballs>',
    'rm -rf _build && npx kvrel release api   # cold;   npx kvrel release api   # warm',
    'PORT=<free> RELEASE_DISTRIBUTION=none _build/prod/rel/api/bin/api start   vs   PORT=<free> node26 apps/api/dist/standalone.js',
  ];
  return { title: 'any-project (issue 9): a user project installed from the tarballs', columns: COLUMNS, rows, skipped: [], commands };
}
