/**
 * `kvrel run`: runs a node from source in dev mode (like `elixir --sname foo -S mix run`): every
 * workspace application is started (dependencies first), with config/config.ts, config/runtime.ts
 * and each --config file applied in that order.
 */
import { Command } from 'commander';
import { join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createRequire } from 'node:module';
import { rm } from 'node:fs/promises';
import { resolveConfigEnv, type ApplicationDescriptor, type StartMode } from '@kvrel/runtime';
import type { createLogger, distributionOptionsFromEnv, resolveNodeName, startDistribution, System } from '@kvrel/runtime';
import type { boot } from '@kvrel/runtime/boot';
import { findProjectRoot, loadWorkspace } from '../config/workspace.js';
import { loadBuildConfig, runtimeConfigPath } from '../config/project-config.js';
import { loadConfigFile } from '../config/load-config-file.js';
import { renderApplicationsModule } from '../node/applications-module.js';
import { bundleNode } from '../node/bundle-node.js';
import { UserError } from '../user-error.js';
import { userCookie } from '../node/user-cookie.js';

export interface RunOptions {
  sname?: string;
  name?: string;
  cookie?: string;
  config: string[];
  start: boolean;
}

export function runCommand(): Command {
  return new Command('run')
    .description('run a node from source in dev mode, starting every workspace application')
    .option('--sname <name>', 'start distribution with a short node name (name@shorthost)')
    .option('--name <name>', 'start distribution with a long node name (name@host, e.g. foo@127.0.0.1)')
    .option('--cookie <cookie>', 'the distribution cookie (default: RELEASE_COOKIE, else ~/.kvrel.cookie)')
    .option('--config <file>', 'a configuration file applied after config/runtime.ts; repeatable', collect, [])
    .option('--no-start', 'load code and configuration but start no application')
    .addHelpText(
      'after',
      '\nExamples:\n  kvrel run\n  PORT=4141 kvrel run\n  kvrel run --name foo@127.0.0.1 --cookie secret --config config/foo.ts',
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

  const config = await loadBuildConfig(root, env);
  const runtimeConfig: Array<{ file: string; exported: unknown }> = [];
  const runtimeFile = runtimeConfigPath(root);
  for (const file of [...(runtimeFile ? [runtimeFile] : []), ...options.config.map((f) => resolve(cwd, f))]) {
    // Named from the project root when inside it (config/runtime.ts), else by their full path.
    const shown = relative(root, file);
    runtimeConfig.push({ file: shown.startsWith('..') ? file : shown, exported: await loadConfigFile(file, root) });
  }

  // One file per process: several nodes may start from one checkout at once (tests, a cluster).
  const outfile = join(root, '_build', env, 'run', `node-${process.pid}.cjs`);
  const entrySource =
    `${renderApplicationsModule(applications)}export { boot } from '@kvrel/runtime/boot';\n` +
    `export { startDistribution, resolveNodeName, distributionOptionsFromEnv, System, createLogger } from '@kvrel/runtime';\n`;
  await bundleNode({ root, entrySource, outfile, target: `node${process.versions.node.split('.')[0]}` });

  const node = createRequire(pathToFileURL(outfile))(outfile) as DevNodeModule;
  await rm(outfile, { force: true });
  const modes: Record<string, StartMode> = Object.fromEntries(applications.map((a) => [a.name, 'permanent' as const]));
  const distribution = distributionOptions(options, node);
  try {
    await node.boot({
      applications: node.applications,
      modes,
      env,
      config,
      runtimeConfig,
      nodeName: distribution?.nodeName,
      startDistribution: distribution?.start,
      startApplications: options.start,
    });
  } catch (error) {
    throw new UserError('KVREL_BOOT_FAILED', error instanceof Error ? error.message : String(error));
  }
  // Logged once the node is fully up (applications started, registered for distribution), as a release does.
  node.createLogger('').info(`started on ${distribution?.nodeName ?? 'nonode@nohost'} (pid ${process.pid}, Node ${process.version})`);
  node.System.keepRunning();
}

/** --sname / --name / --cookie, with KVREL_PORT_MAPPER_PORT and KVREL_DIST_PORT from the environment. */
function distributionOptions(options: RunOptions, node: DevNodeModule): { nodeName: string; start: () => ReturnType<typeof startDistribution> } | undefined {
  const mode = options.name ? 'name' : options.sname ? 'sname' : undefined;
  if (!mode) return undefined;
  const name = (options.name ?? options.sname)!;
  let nodeName: string;
  try {
    nodeName = node.resolveNodeName({ distribution: mode, node: name, releaseName: name })!.full;
  } catch (error) {
    throw new UserError('KVREL_BAD_OPTION', `--${mode} ${name}: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (options.cookie === '') throw new UserError('KVREL_BAD_OPTION', '--cookie must not be empty; pass a secret shared by the nodes that should talk');
  const cookie = options.cookie ?? userCookie();
  const fromEnv = node.distributionOptionsFromEnv(process.env, name);
  return { nodeName, start: () => node.startDistribution({ ...fromEnv, mode, name, cookie }) };
}

/** The dev node's bundle: its own copy of the runtime (this CLI's copy only evaluates configuration). */
interface DevNodeModule {
  applications: ApplicationDescriptor[];
  boot: typeof boot;
  startDistribution: typeof startDistribution;
  resolveNodeName: typeof resolveNodeName;
  distributionOptionsFromEnv: typeof distributionOptionsFromEnv;
  System: typeof System;
  createLogger: typeof createLogger;
}
