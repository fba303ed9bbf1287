/**
 * `kvrel run`: runs a node from source in dev mode (like `elixir --sname foo -S mix run`): every
 * workspace application is started (dependencies first), with config/config.ts, config/runtime.ts
 * and each --config file applied in that order.
 */
import { Command } from 'commander';
import { join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { readdirSync, rmSync } from 'node:fs';
import { DIST_TLS_ENV, distributionOptionsFromEnv, loadDistTls, resolveConfigEnv, resolveNodeName, type ApplicationDescriptor, type StartMode } from '@kvrel/runtime/internal';
import type { keepRunning } from '@kvrel/runtime/internal';
import type { bootNode, NodeDistribution } from '../node/boot-node.js';
import { kvrelEntryFile } from '../package-dir.js';
import { findProjectRoot, loadWorkspace } from '../config/workspace.js';
import { loadBuildConfig, runtimeConfigPath } from '../config/project-config.js';
import { loadConfigFile } from '../config/load-config-file.js';
import { renderApplicationsModule } from '../bundle/applications-module.js';
import { bundleNodeCode } from '../bundle/bundle-node-code.js';
import { mirrorBesideFiles } from '../bundle/beside-files.js';
import { UserError } from '../user-error.js';
import { processAlive } from '../launcher/process-alive.js';
import { chooseCookie } from './user-cookie.js';

export interface RunOptions {
  sname?: string;
  name?: string;
  cookie?: string;
  cookieFile?: string;
  config: string[];
  start: boolean;
  distTls?: string;
}

export function runCommand(): Command {
  return new Command('run')
    .description('run a node from source in dev mode, starting every workspace application')
    .option('--sname <name>', 'start distribution with a short node name (name@shorthost)')
    .option('--name <name>', 'start distribution with a long node name (name@host, e.g. foo@127.0.0.1)')
    .option('--cookie-file <file>', 'read the distribution cookie from FILE (default: RELEASE_COOKIE, else ~/.kvrel.cookie)')
    .option('--cookie <cookie>', 'the distribution cookie on the command line, where other users can read it (prefer --cookie-file)')
    .option('--dist-tls <file>', 'run distribution over TLS with the settings in FILE (JSON: cert, key, ca, verify; default: RELEASE_DIST_TLS)')
    .option('--config <file>', 'a configuration file applied after config/runtime.ts; repeatable', collect, [])
    .option('--no-start', 'load code and configuration but start no application')
    .addHelpText(
      'after',
      '\nExamples:\n  kvrel run\n  PORT=4141 kvrel run\n  kvrel run --name foo@127.0.0.1 --cookie-file ~/.foo.cookie --config config/foo.ts',
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
  const distribution = distributionOptions(options, cwd);
  const root = findProjectRoot(cwd);
  const env = resolveConfigEnv('dev');
  const workspace = await loadWorkspace(root);
  const applications = [...workspace.applications.values()];

  const config = await loadBuildConfig(root, env);
  const runtimeConfig: Array<{ file: string; exported: unknown }> = [];
  const runtimeFile = runtimeConfigPath(root);
  for (const file of [...(runtimeFile ? [runtimeFile] : []), ...options.config.map((f) => resolve(cwd, f))]) {
    // Named from the project root when inside it (config/runtime.ts), else by their full path.
    const shown = relative(root, file);
    runtimeConfig.push({ file: shown.startsWith('..') ? file : shown, exported: await loadConfigFile(file, root) });
  }

  // One folder per process: several nodes may start from one checkout at once (tests, a cluster).
  const runDir = join(root, '_build', env, 'run');
  await removeLeftovers(runDir);
  const outDir = join(runDir, `node-${process.pid}`);
  const entrySource =
    `${renderApplicationsModule(applications, 'source')}export { bootNode } from ${JSON.stringify(kvrelEntryFile('node/boot-node'))};\n` +
    `export { keepRunning } from '@kvrel/runtime/internal';\n`;
  const bundle = await bundleNodeCode({
    root,
    entrySource,
    outDir,
    outName: 'node.mjs',
    target: `node${process.versions.node.split('.')[0]}`,
    mode: 'in-place',
    scanCacheFile: join(runDir, 'package-scan.json'),
  });
  for (const warning of bundle.warnings) process.stderr.write(`warning: ${warning}\n`);
  // The project's modules believe they live in outDir: the files beside them are linked there.
  mirrorBesideFiles({ root, libDir: outDir, folders: bundle.besideFolders, mode: 'link', bundled: new Set(), emitted: new Set(bundle.emittedScripts) });
  // Scripts bundled to their places and the links beside them are read while the node runs: removed at exit.
  process.on('exit', () => rmSync(outDir, { recursive: true, force: true }));
  process.setSourceMapsEnabled(true);
  const node = (await import(pathToFileURL(bundle.file).href)) as DevNodeModule;
  const modes: Record<string, StartMode> = Object.fromEntries(applications.map((a) => [a.name, 'permanent' as const]));
  try {
    await node.bootNode({
      applications: node.applications,
      modes,
      env,
      config,
      runtimeConfig,
      distribution,
      startApplications: options.start,
    });
  } catch (error) {
    throw new UserError('KVREL_BOOT_FAILED', error instanceof Error ? error.message : String(error), { cause: error });
  }
  node.keepRunning();
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

/** The dev node's bundle: its own copy of the runtime (this CLI's copy only evaluates configuration). */
interface DevNodeModule {
  applications: ApplicationDescriptor[];
  bootNode: typeof bootNode;
  keepRunning: typeof keepRunning;
}
