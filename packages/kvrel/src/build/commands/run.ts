/**
 * `kvrel run`: runs a node from source in dev mode (like `elixir --sname foo -S mix run`): every
 * workspace application is started (dependencies first), with config/config.ts, config/runtime.ts
 * and each --config file applied in that order. The CLI (on the host's Node) bundles the node's code
 * into a scratch folder; the node itself runs on the release's embedded Node (dev/prod parity), a
 * child process started on the folder's main script, unless --host-node asks for this Node.
 */
import { Command } from 'commander';
import { spawn } from 'node:child_process';
import { join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { constants } from 'node:os';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { DIST_TLS_ENV, distributionOptionsFromEnv, loadDistTls, resolveConfigEnv, resolveNodeName, type StartMode } from '@kvrel/runtime/internal';
import type { NodeDistribution } from '../../shared/node-name.js';
import { DEV_NODE_PARENT_ENV, type DevNodeBoot } from '../../shared/dev-node-boot.js';
import { kvrelEntryFile } from '../package-dir.js';
import { findProjectRoot, loadWorkspace } from '../config/workspace.js';
import { loadBuildConfig, runtimeConfigPath } from '../config/project-config.js';
import { bundleConfigFile, loadConfigFile } from '../config/load-config-file.js';
import { renderApplicationsModule } from '../bundle/applications-module.js';
import { bundleNodeCode } from '../bundle/bundle-node-code.js';
import { mirrorBesideFiles } from '../bundle/beside-files.js';
import { validateReleases } from '../release/validate-releases.js';
import { pinnedRuntimeOf } from '../steps/resolve-base-binary.js';
import { ensureEmbeddedNode, pinnedNode, resolveCacheDir, type EmbeddedNodeRuntime } from '../sea/index.js';
import { consoleReporter } from '../reporter.js';
import { UserError } from '../../shared/user-error.js';
import { processAlive } from '../../shared/process-alive.js';
import { chooseCookie } from './user-cookie.js';
import { addonsForRun } from '../addons/addons-for-run.js';

export interface RunOptions {
  sname?: string;
  name?: string;
  cookie?: string;
  cookieFile?: string;
  config: string[];
  start: boolean;
  hostNode?: boolean;
  distTls?: string;
}

export function defineRunCommand(): Command {
  return new Command('run')
    .description("run a node from source in dev mode on the release's embedded Node, starting every workspace application")
    .option('--sname <name>', 'start distribution with a short node name (name@shorthost)')
    .option('--name <name>', 'start distribution with a long node name (name@host, e.g. foo@127.0.0.1)')
    .option('--cookie-file <file>', 'read the distribution cookie from FILE (default: RELEASE_COOKIE, else ~/.kvrel.cookie)')
    .option('--cookie <cookie>', 'the distribution cookie on the command line, where other users can read it (prefer --cookie-file)')
    .option('--config <file>', 'a configuration file applied after config/runtime.ts; repeatable', collect, [])
    .option('--dist-tls <file>', 'run distribution over TLS with the settings in FILE (JSON: cert, key, ca, verify; default: RELEASE_DIST_TLS)')
    .option('--no-start', 'load code and configuration but start no application')
    .option('--host-node', "run the node on the Node running kvrel instead of the release's embedded Node (Node 26 unless the releases say node: '24')")
    .addHelpText(
      'after',
      '\nThe node runs on the Node its releases embed (fetched into ~/.cache/kvrel once, as kvrel release does);\n' +
        'kvrel itself stays on the Node that started it.\n' +
        '\nExamples:\n  kvrel run\n  PORT=4141 kvrel run\n  kvrel run --name foo@127.0.0.1 --cookie-file ~/.foo.cookie --config config/foo.ts\n  ' +
        'kvrel run --host-node',
    )
    .action(async (options: RunOptions) => {
      await runNode(options);
    });
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

export async function runNode(options: RunOptions, cwd = process.cwd()): Promise<void> {
  if (options.sname && options.name) throw new UserError('KVREL_BAD_OPTION', 'kvrel run takes --sname or --name, not both');
  const root = findProjectRoot(cwd);
  const env = resolveConfigEnv('dev');
  const workspace = await loadWorkspace(root);
  const applications = [...workspace.applications.values()];
  const distribution = distributionOptions(options, cwd);
  const runtime = options.hostNode ? undefined : await runtimeForRun(root, [...workspace.applications.keys()]);
  let nodeBinary = runtime ? await ensureEmbeddedNode({ cacheDir: resolveCacheDir(), reporter: consoleReporter, runtime }) : process.execPath;

  // Build-time configuration is evaluated here, as a release build does (plain data); runtime
  // configuration is compiled here and evaluated by the node at boot, as a release's node does.
  const config = await loadBuildConfig(root, env);
  const runtimeFiles = [...(runtimeConfigPath(root) ? [runtimeConfigPath(root)!] : []), ...options.config.map((f) => resolve(cwd, f))];
  const compiledConfig = await Promise.all(runtimeFiles.map((file) => bundleConfigFile(file, root)));

  // One folder per process: several nodes may start from one checkout at once (tests, a cluster).
  const runDir = join(root, '_build', env, 'run');
  await removeLeftovers(runDir);
  const outDir = join(runDir, `node-${process.pid}`);
  // Scripts bundled to their places and the links beside them are read while the node runs: removed at exit.
  process.on('exit', () => rmSync(outDir, { recursive: true, force: true }));
  const entrySource = `${renderApplicationsModule(applications, 'source')}export { runDevNode } from ${JSON.stringify(kvrelEntryFile('node/dev-node'))};\n`;
  const bundleFor = (major: string) =>
    bundleNodeCode({
      root,
      entrySource,
      outDir,
      outName: 'node.mjs',
      target: `node${major}`,
      mode: 'in-place',
      scanCacheFile: join(runDir, 'package-scan.json'),
    });
  let bundle = await bundleFor((runtime?.version ?? process.versions.node).split('.')[0]!);
  let rebuiltAddons: ReadonlyMap<string, string> = new Map();
  if (runtime) {
    const addons = await addonsForRun({
      nodeBinary,
      runtime,
      packageDirs: bundle.diskPackages.map((p) => p.dir),
      scratchDir: join(runDir, 'addons'),
      cacheDir: resolveCacheDir(),
      reporter: consoleReporter,
    });
    if ('rebuilt' in addons) rebuiltAddons = addons.rebuilt;
    else {
      const { file, reason } = addons.unloadable;
      process.stderr.write(
        `warning: Node ${runtime.version} cannot load native addon ${relative(root, file)} (${reason.split('.')[0]}) and kvrel cannot rebuild it: ` +
          `${addons.why}; ` +
          `running the node on this Node ${process.version} (as --host-node does)\n`,
      );
      nodeBinary = process.execPath;
      bundle = await bundleFor(process.versions.node.split('.')[0]!);
    }
  }
  for (const warning of bundle.warnings) process.stderr.write(`warning: ${warning}\n`);
  // The project's modules believe they live in outDir: the files beside them are linked there.
  mirrorBesideFiles({ root, libDir: outDir, folders: bundle.besideFolders, mode: 'link', bundled: new Set(), emitted: new Set(bundle.emittedScripts) });

  const runtimeConfig: DevNodeBoot['runtimeConfig'] = await Promise.all(
    runtimeFiles.map(async (file, index) => {
      const module = join(outDir, `config-${index}.mjs`);
      await writeFile(module, compiledConfig[index]!);
      // Named from the project root when inside it (config/runtime.ts), else by their full path.
      const shown = relative(root, file);
      return { file: shown.startsWith('..') ? file : shown, module: pathToFileURL(module).href };
    }),
  );
  let configText: string;
  try {
    configText = JSON.stringify(config);
  } catch (error) {
    throw new UserError(
      'KVREL_CONFIG_INVALID',
      `config/config.ts: build-time configuration must be plain data (JSON), ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  const boot: DevNodeBoot = {
    env,
    modes: Object.fromEntries(applications.map((a) => [a.name, 'permanent' as StartMode])),
    config: JSON.parse(configText) as DevNodeBoot['config'],
    runtimeConfig,
    ...(distribution ? { distribution } : {}),
    startApplications: options.start,
    // The port mapper outlives this node and its folder: it is this CLI, rerun (spawner.ts).
    portMapper: { command: process.execPath, args: [...process.execArgv.filter((flag) => !/^--(inspect|debug)/.test(flag)), process.argv[1]!] },
  };
  await writeFile(join(outDir, 'boot.json'), JSON.stringify(boot), { mode: 0o600 });
  // process.argv[1] of the node: node:cluster's cluster.fork() reruns it, as under plain node.
  const main = join(outDir, 'main.mjs');
  await writeFile(join(outDir, 'addons.json'), JSON.stringify(Object.fromEntries(rebuiltAddons)));
  await writeFile(main, DEV_NODE_MAIN);
  superviseNode(nodeBinary, main);
}

/**
 * The dev node's main script (process.argv[1]: node:cluster's cluster.fork() reruns it, as under plain
 * node). Addons rebuilt for this Node (addons.json) load in place of the project's before any code runs.
 */
const DEV_NODE_MAIN = `// kvrel run: the dev node's main script.
import { readFileSync } from 'node:fs';
const rebuilt = new Map(Object.entries(JSON.parse(readFileSync(new URL('./addons.json', import.meta.url), 'utf8'))));
if (rebuilt.size > 0) {
  const dlopen = process.dlopen;
  process.dlopen = (module, file, ...flags) => dlopen.call(process, module, rebuilt.get(file) ?? file, ...flags);
}
const { applications, runDevNode } = await import('./node.mjs');
await runDevNode(applications, new URL('./boot.json', import.meta.url));
`;

/**
 * Starts the node on `nodeBinary` with this process's stdio, in its own process group so a terminal's
 * Ctrl-C reaches it once (forwarded from here), and exits with its status once it is gone. The IPC
 * channel only tells the node when this process dies (dev-node.ts).
 */
function superviseNode(nodeBinary: string, main: string): void {
  const child = spawn(nodeBinary, ['--enable-source-maps', main], {
    stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
    detached: true,
    env: { ...process.env, [DEV_NODE_PARENT_ENV]: String(process.pid) },
  });
  const forward = (signal: NodeJS.Signals) => () => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  };
  process.on('SIGINT', forward('SIGINT'));
  process.on('SIGTERM', forward('SIGTERM'));
  process.on('SIGHUP', forward('SIGHUP'));
  child.on('error', (error) => {
    process.stderr.write(
      `error: could not start the node on ${nodeBinary}: ${error.message}; run kvrel release once to fetch the embedded Node, or pass --host-node\n`,
    );
    process.exit(1);
  });
  child.on('exit', (code, signal) => process.exit(code ?? 128 + (signal ? (constants.signals[signal] ?? 0) : 0)));
}

/**
 * The embedded Node the releases run on: the line every release definition names (`node: '24'`),
 * else the default line (Node 26). A releases.config.ts that does not load is `kvrel release`'s to report.
 */
async function runtimeForRun(root: string, known: readonly string[]): Promise<EmbeddedNodeRuntime> {
  const file = join(root, 'releases.config.ts');
  if (!existsSync(file)) return pinnedNode();
  let releases: Record<string, { node?: string }>;
  try {
    releases = validateReleases(await loadConfigFile(file, root), known);
  } catch {
    return pinnedNode();
  }
  const lines = new Set(
    Object.entries(releases).map(([name, definition]) => {
      try {
        return pinnedRuntimeOf(name, definition.node);
      } catch {
        return undefined;
      }
    }),
  );
  const [only] = lines;
  return lines.size === 1 && only ? only : pinnedNode();
}

/** Scratch folders of nodes that are gone (killed before their exit handler ran). */
async function removeLeftovers(runDir: string): Promise<void> {
  let entries: string[];
  try {
    entries = readdirSync(runDir);
  } catch {
    return;
  }
  for (const entry of entries) {
    const pid = Number(/^node-(\d+)$/.exec(entry)?.[1]);
    if (pid && !processAlive(pid)) rmSync(join(runDir, entry), { recursive: true, force: true });
  }
}

/** --sname / --name / --cookie / --cookie-file / --dist-tls, with KVREL_PORT_MAPPER_PORT and KVREL_DIST_PORT from the environment. */
function distributionOptions(options: RunOptions, cwd: string): NodeDistribution | undefined {
  const mode = options.name ? 'name' : options.sname ? 'sname' : undefined;
  if (!mode) return undefined;
  const name = (options.name ?? options.sname)!;
  try {
    resolveNodeName({ distribution: mode, node: name, releaseName: name });
  } catch (error) {
    throw new UserError('KVREL_BAD_OPTION', `--${mode} ${name}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const { cookie, warnings } = chooseCookie({ cookie: options.cookie, cookieFile: options.cookieFile });
  for (const warning of warnings) process.stderr.write(`warning: ${warning}\n`);
  const { portMapperPort, distPort } = distributionOptionsFromEnv(process.env, name);
  const tlsSetting = options.distTls ?? process.env[DIST_TLS_ENV];
  const tlsFile = tlsSetting ? resolve(cwd, tlsSetting) : undefined;
  if (tlsFile) loadDistTls(tlsFile); // a bad file is one line now, before anything is built
  return { mode, name, cookie, portMapperPort, distPort, tlsFile };
}
