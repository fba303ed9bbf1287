// Issue 14: ordinary node code released unchanged (test/fixtures/node-patterns, installed from the packed
// tarballs). Two copies of the installed project: one released by kvrel, one built the plain way (tsc
// to JS, then node). Builds cold / warm / after a one-line change of apps/web/src/app.ts, kvrel release
// against `tsc -b`, interleaved; then boot-to-accept of the web port, `bin/patterns start` against the
// same app under the same Node 26 binary the release embeds, interleaved. Medians and their ratio side
// by side. The bench-only tsconfigs and standalone entries live in the temp copy, never in the fixture.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bootToAccept } from '../lib/boot-to-accept.mjs';
import { durations } from '../lib/durations.mjs';
import { freePort } from '../lib/free-port.mjs';
import { runAsUser as run } from '../lib/user-command.mjs';
import { NODE26, ROOT } from '../lib/repo.mjs';
import { summary } from '../lib/summary.mjs';
import { makeTempDir } from '../lib/temp-dirs.mjs';

const COLUMNS = [
  { key: 'figure', label: 'figure' },
  { key: 'kvrel', label: 'kvrel (median, min–max)' },
  { key: 'plain', label: 'plain node (median, min–max)' },
  { key: 'ratio', label: 'kvrel / plain' },
  { key: 'runs', label: 'runs' },
  { key: 'target', label: 'target' },
];
const FLOOR = "require('node:net').createServer().listen(+process.env.PORT,'127.0.0.1');process.on('SIGTERM',()=>process.exit(0))";
const APP_TS = join('apps', 'web', 'src', 'app.ts');

/** tsc -b over the three TypeScript workspaces, each emitting beside its src/ (dist/), so that
 *  `../locales/` and `import.meta.dirname` resolve as they do from src/. */
const TSCONFIGS = {
  'tsconfig.bench.json': { files: [], references: ['web', 'legacy', 'workers'].map((app) => ({ path: `apps/${app}/tsconfig.bench.json` })) },
  'apps/web/tsconfig.bench.json': { extends: '../../tsconfig.json', compilerOptions: emitTo(), include: ['src'] },
  // The workspace's own tsconfig (module commonjs, moduleResolution node10) cannot see @kvrel/runtime's
  // types (exports only, ESM): nodenext still emits CommonJS here (no "type" in its package.json).
  'apps/legacy/tsconfig.bench.json': {
    extends: './tsconfig.json',
    compilerOptions: { ...emitTo(), module: 'nodenext', moduleResolution: 'nodenext' },
    include: ['src'],
  },
  'apps/workers/tsconfig.bench.json': { extends: '../../tsconfig.json', compilerOptions: emitTo(), include: ['src'] },
};

function emitTo() {
  // The build info inside dist/: removing dist/ makes the next build a cold one.
  return { noEmit: false, composite: true, declaration: true, rootDir: 'src', outDir: 'dist', tsBuildInfoFile: 'dist/tsconfig.bench.tsbuildinfo' };
}

/** The web app started as its application.ts starts it: createApp().listen(port, '127.0.0.1'). */
const STANDALONE_WEB = `// Bench only: the web app under plain node, as application.ts starts it.
import { createApp } from './app.js';

const server = createApp().listen(Number(process.env['PORT']), '127.0.0.1');
process.on('SIGTERM', () => server.close(() => process.exit(0)).closeAllConnections());
`;

/** What the release has started when the web port accepts: site (declared first), then web. */
const STANDALONE_SITE_WEB = `// Bench only: express-generator's site then the web app under plain node, in the release's order.
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { createApp } from './app.js';

const site = createRequire(import.meta.url)('../../site/app.js') as import('node:http').RequestListener;
const listen = (server: import('node:http').Server, port: number) =>
  new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, '127.0.0.1', resolve));
const servers = [createServer(site)];
await listen(servers[0]!, Number(process.env['SITE_PORT']));
servers.push(createApp().listen(Number(process.env['PORT']), '127.0.0.1'));
process.on('SIGTERM', () => process.exit(0));
`;

/** The tsconfigs and entries the plain build needs, written into the bench's copy of the project. */
export function writeBenchOnlyFiles(dir) {
  for (const [file, config] of Object.entries(TSCONFIGS)) writeFileSync(join(dir, file), `${JSON.stringify(config, null, 2)}\n`);
  writeFileSync(join(dir, 'apps', 'web', 'src', 'standalone.ts'), STANDALONE_WEB);
  writeFileSync(join(dir, 'apps', 'web', 'src', 'standalone-site-web.ts'), STANDALONE_SITE_WEB);
}

/** A build that timed nothing (outputs missing after a cold build) must not give a figure. */
function mustExist(...files) {
  for (const file of files) if (!existsSync(file)) throw new Error(`${file} is missing after the build`);
}

/** The embedded Node kvrel puts in releases (EMBEDDED_NODE) is the binary the plain runs use. */
function checkSameNode() {
  const source = readFileSync(join(ROOT, 'packages', 'kvrel', 'src', 'sea', 'embedded-node.ts'), 'utf8');
  const version = /packageName: '([^']+)',\s*version: '([^']+)'/.exec(source);
  if (!version || !NODE26.includes(`${version[1]}-${version[2]}`))
    throw new Error(`bench/lib/repo.mjs NODE26 (${NODE26}) is not kvrel's EMBEDDED_NODE (${version?.slice(1).join('-')})`);
  return execFileSync(NODE26, ['--version'], { encoding: 'utf8' }).trim();
}

export async function runNodePatterns({ quick, log }) {
  const { repeats, coldBuilds, warmBuilds } = durations(quick);
  const nodeVersion = checkSameNode();
  const base = makeTempDir('kvrel-bench-patterns-');
  const tarballs = join(base, 'tarballs');
  const released = join(base, 'released');
  const plain = join(base, 'plain');
  mkdirSync(tarballs, { recursive: true });
  log('node-patterns: npm pack kvrel and @kvrel/runtime, install the fixture');
  await run(ROOT, 'npm', ['pack', '--workspace', 'kvrel', '--workspace', '@kvrel/runtime', '--pack-destination', tarballs], 'npm pack');
  cpSync(join(ROOT, 'test', 'fixtures', 'node-patterns'), released, { recursive: true });
  const packed = readdirSync(tarballs)
    .filter((f) => f.endsWith('.tgz'))
    .map((f) => join(tarballs, f));
  await run(released, 'npm', ['install', '--save-dev', '--include=dev', '--prefer-offline', '--no-audit', '--no-fund', ...packed], 'npm install');
  // cp -a keeps the workspaces' relative links in node_modules pointing into the copy.
  await run(base, 'cp', ['-a', released, plain], 'cp -a');
  writeBenchOnlyFiles(plain);
  const originalApp = readFileSync(join(released, APP_TS), 'utf8');

  const kvrel = async () => {
    const s = await run(released, join(released, 'node_modules', '.bin', 'kvrel'), ['release', 'patterns'], 'kvrel release patterns');
    mustExist(join(released, '_build', 'prod', 'rel', 'patterns', 'bin', 'patterns'));
    return s;
  };
  // tsc emits no views: copying them is part of the plain build (kvrel copies files beside the code).
  const tsc = async () => {
    const s = await run(plain, 'sh', ['-c', 'node_modules/.bin/tsc -b tsconfig.bench.json && cp -r apps/web/src/views apps/web/dist/'], 'tsc -b');
    mustExist(
      join(plain, 'apps', 'web', 'dist', 'standalone.js'),
      join(plain, 'apps', 'legacy', 'dist', 'application.js'),
      join(plain, 'apps', 'workers', 'dist', 'application.js'),
    );
    return s;
  };
  const edit = (i) => {
    for (const dir of [released, plain]) writeFileSync(join(dir, APP_TS), `${originalApp}export const benchEdit = ${i};\n`);
  };

  const edits = quick ? 1 : 3;
  log(
    `node-patterns: builds, kvrel release patterns and tsc -b interleaved: ${coldBuilds} cold, ${warmBuilds} warm, ${edits} after a one-line edit of ${APP_TS}`,
  );
  const builds = { cold: [[], []], warm: [[], []], edit: [[], []] };
  for (let i = 0; i < coldBuilds; i++) {
    await run(base, 'rm', ['-rf', join(released, '_build'), ...['web', 'legacy', 'workers'].map((a) => join(plain, 'apps', a, 'dist'))], 'rm -rf');
    builds.cold[0].push(await kvrel());
    builds.cold[1].push(await tsc());
  }
  for (let i = 0; i < warmBuilds; i++) {
    builds.warm[0].push(await kvrel());
    builds.warm[1].push(await tsc());
  }
  for (let i = 0; i < edits; i++) {
    edit(i);
    builds.edit[0].push(await kvrel());
    builds.edit[1].push(await tsc());
  }

  const rows = [];
  const seconds = (values) => {
    const s = summary(values, 2);
    return { text: `${s.median.toFixed(2)} s (${s.min}–${s.max})`, median: s.median, runs: s.runs };
  };
  const ms = (values) => {
    const s = summary(values);
    return { text: `${s.median} ms (${s.min}–${s.max})`, median: s.median, runs: s.runs };
  };
  const pair = (figure, k, p, target, unit = 'medianS') => {
    rows.push({
      figure,
      kvrel: k.text,
      plain: p.text,
      ratio: (k.median / p.median).toFixed(2),
      runs: k.runs,
      target,
      [`kvrel_${unit}`]: k.median,
      [`plain_${unit}`]: p.median,
    });
  };
  const buildTimes = Object.fromEntries(Object.entries(builds).map(([name, [k, p]]) => [name, [seconds(k), seconds(p)]]));
  pair('build, cold: rm -rf _build; kvrel release patterns  |  rm -rf apps/*/dist; tsc -b + cp views', ...buildTimes.cold, '—');
  pair('build, warm (nothing changed)', ...buildTimes.warm, '—');
  pair(`build after a one-line change of ${APP_TS}`, ...buildTimes.edit, '—');

  const rel = join(released, '_build', 'prod', 'rel', 'patterns');
  const webDist = join(plain, 'apps', 'web', 'dist');
  const otherPorts = async () => ({ SITE_PORT: String(await freePort()), LEGACY_PORT: String(await freePort()), WORKERS_PORT: String(await freePort()) });
  const variants = [
    {
      figure: 'bin/patterns start (release, SEA)',
      command: join(rel, 'bin', 'patterns'),
      args: ['start'],
      env: { RELEASE_DISTRIBUTION: 'none' },
      portVars: ['WEB_PORT'],
    },
    { figure: 'node26 apps/web/dist/standalone.js', command: NODE26, args: [join(webDist, 'standalone.js')], env: {}, anyExit: true },
    { figure: 'node26 apps/web/dist/standalone-site-web.js', command: NODE26, args: [join(webDist, 'standalone-site-web.js')], env: {}, anyExit: true },
    { figure: 'node26 -e listen (floor)', command: NODE26, args: ['-e', FLOOR], env: {} },
  ];
  log(`node-patterns: boot-to-accept of the web port, ${repeats} runs of ${variants.length} variants, interleaved (${nodeVersion})`);
  const boot = async (v) => bootToAccept(v.command, v.args, { ...v.env, ...(await otherPorts()) }, v);
  const times = variants.map(() => []);
  for (const v of variants) await boot(v); // warms the page cache
  for (let i = 0; i < repeats; i++) for (const [k, v] of variants.entries()) times[k].push(await boot(v));
  const [release, web, siteWeb, floor] = times.map(ms);
  pair('boot-to-accept of the web port: bin/patterns start  |  node26 standalone.js (web only)', release, web, 'release not slower: ≤ 1.00', 'medianMs');
  pair(
    'boot-to-accept: bin/patterns start  |  node26 standalone-site-web.js (site then web, as the release starts them)',
    release,
    siteWeb,
    '≤ 1.00',
    'medianMs',
  );
  rows.push({ figure: 'boot-to-accept: node26 -e listen (floor)', plain: floor.text, runs: floor.runs, target: '—', plain_medianMs: floor.median });
  const total = (b, p) => ({ text: `${((b.median * 1000 + p.median) / 1000).toFixed(2)} s`, median: b.median * 1000 + p.median, runs: b.runs });
  pair(
    'one-line change to accepting: build after the edit + boot (sum of medians)',
    total(buildTimes.edit[0], release),
    total(buildTimes.edit[1], web),
    '—',
    'medianMs',
  );

  const commands = [
    'npm pack --workspace kvrel --workspace @kvrel/runtime; cp -r test/fixtures/node-patterns <tmp>/released; npm install -D <tarballs>; cp -a ' +
      '<tmp>/released <tmp>/plain',
    'released: rm -rf _build && node_modules/.bin/kvrel release patterns   # cold;   node_modules/.bin/kvrel release patterns   # warm, after edit',
    'plain: tsconfig.bench.json (tsc -b over apps/{web,legacy,workers}, composite, outDir dist beside src); node_modules/.bin/tsc -b ' +
      'tsconfig.bench.json && cp -r apps/web/src/views apps/web/dist/',
    'WEB_PORT=<free> SITE_PORT=… LEGACY_PORT=… WORKERS_PORT=… RELEASE_DISTRIBUTION=none _build/prod/rel/patterns/bin/patterns start',
    `  vs  PORT=<free> ${NODE26} apps/web/dist/standalone.js   (and standalone-site-web.js with SITE_PORT)`,
  ];
  return { title: 'node-patterns (issue 14): ordinary node code, kvrel against tsc + node', columns: COLUMNS, rows, skipped: [], node: nodeVersion, commands };
}
