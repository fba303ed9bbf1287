/**
 * The node side of a release: the entry of releases/<vsn>/lib/node.mjs, loaded by the launcher for
 * `start`, `start_iex`, `eval` and the build's probe. It boots the applications this bundle carries.
 */
import cluster from 'node:cluster';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { buildEvalScope, evaluateOnce, keepRunning, System, type ApplicationDescriptor } from '@kvrel/runtime/internal';
import { libDir, type ReleaseContext } from '../shared/release-context.js';
import { bootRelease } from './release-boot.js';
import { DAEMON_ENV, logDir, pidFile, removePidFile, writePidFile } from '../shared/run-files.js';
import { nodeOptionsArgument } from '../shared/node-options-argument.js';
import { redirectOutputToLog } from './daemon-output.js';
import { distributionFromEnv } from '../shared/node-name.js';
import { printOutcome } from '../shared/print-outcome.js';
import { PROBE_COMMAND, type ProbeReport } from '../shared/probe-report.js';
import type { ReleaseNodeModule } from '../shared/release-node-module.js';
import { evalBindings, parseEvalArguments, timeoutMsOf } from '../shared/eval-arguments.js';

/** Each application with the package it came from (the bundle's applications module adds packageName). */
type BundledApplication = ApplicationDescriptor & { readonly packageName?: string };

export function releaseNode(applications: readonly BundledApplication[]): ReleaseNodeModule {
  return {
    async runReleaseNode(command, args, context) {
      switch (command) {
        case 'start':
        case 'start_iex':
          await startNode(context, applications, command === 'start_iex');
          return undefined;
        case 'eval':
          return evalCommand(context, applications, args);
        case PROBE_COMMAND:
          process.stdout.write(`${JSON.stringify(probe(context, applications, context.manifest.addons ?? []))}\n`);
          return 0;
        default:
          throw new Error(`the node side of the release has no command ${JSON.stringify(command)}`);
      }
    },
  };
}

async function startNode(context: ReleaseContext, applications: readonly ApplicationDescriptor[], withShell: boolean): Promise<void> {
  // A cluster worker (the node's code run again by node:cluster) writes to the output it inherited
  // from the primary (a daemon's log file) and leaves the pid file to the primary.
  const daemon = process.env[DAEMON_ENV] === '1' && cluster.isPrimary;
  if (daemon) redirectOutputToLog(logDir(context), `${context.manifest.name}.log`);
  const distribution = cluster.isPrimary ? distributionFromEnv(context.manifest.name) : undefined;
  inheritVmArgs(context);
  const { nodeName } = await bootRelease(context, applications, { startApplications: true, distribution });
  if (daemon) {
    mkdirSync(context.tmp, { recursive: true });
    const file = pidFile(context);
    writePidFile(file, process.pid);
    process.on('exit', () => removePidFile(file, process.pid));
  }
  if (withShell && !daemon) {
    const { start: startRepl } = await import('node:repl'); // not loaded by nodes without a shell
    const shell = startRepl({ prompt: `${nodeName}> `, useGlobal: false });
    Object.assign(shell.context, buildEvalScope(applications));
    // Leaving the shell (Ctrl+D, .exit, the end of piped input) stops the node, as quitting IEx does.
    shell.on('exit', () => System.stop(0));
  }
  keepRunning();
}

/**
 * Processes the node starts from process.execPath (fork, cluster workers) get the node's vm.args as
 * node's children get its execArgv: as the executable's first argument, which the SEA applies. The
 * flags themselves stay after it, so code reading process.execArgv still finds them.
 */
function inheritVmArgs(context: ReleaseContext): void {
  if (context.manifest.vmArgsVia !== 'cli' || process.execArgv.length === 0 || process.execArgv[0]!.startsWith('--node-options=')) return;
  process.execArgv = [nodeOptionsArgument(), ...process.execArgv];
}

/** `eval [--stdin] [--timeout SECONDS] EXPR [ARG...]`: a fresh node, applications not started, `argv` and `input` in scope; no time limit unless given. */
async function evalCommand(context: ReleaseContext, applications: readonly ApplicationDescriptor[], args: readonly string[]): Promise<number> {
  const parsed = parseEvalArguments(args);
  if (parsed.expression === '') {
    process.stderr.write('ERROR: EVAL expects an expression as argument\n');
    return 1;
  }
  const bindings = await evalBindings(parsed);
  await bootRelease(context, applications, { startApplications: false });
  // A promise that nothing left can settle would otherwise end the process quietly, with status 0.
  const neverSettles = () => {
    process.stderr.write('ERROR: the expression did not return: it awaits a promise that nothing left in the node can settle\n');
    process.exit(1);
  };
  process.once('beforeExit', neverSettles);
  try {
    return printOutcome(await evaluateOnce(parsed.expression, { ...buildEvalScope(applications), ...bindings }, { timeoutMs: timeoutMsOf(parsed, undefined) }));
  } finally {
    process.off('beforeExit', neverSettles);
  }
}

function probe(context: ReleaseContext, applications: readonly BundledApplication[], addons: readonly string[]): ProbeReport {
  const lib = libDir(context);
  const load = createRequire(join(lib, 'probe.cjs'));
  const addonFailures: Array<{ file: string; reason: string }> = [];
  for (const file of addons) {
    try {
      load(join(lib, file));
    } catch (error) {
      addonFailures.push({ file, reason: error instanceof Error ? error.message.split('\n')[0]! : String(error) });
    }
  }
  return {
    name: context.manifest.name,
    version: context.manifest.version,
    node: process.version,
    execArgv: process.execArgv,
    misnamed: applications
      .filter((a) => a.packageName !== undefined && a.packageName !== a.spec.name)
      .map((a) => ({ packageName: a.packageName!, specName: a.spec.name })),
    addonFailures,
  };
}
