/**
 * The entry of a release's executable. bin/<name> runs it with a command (argv[2]); a SEA cannot
 * fork its own script, so every mode, daemon children and the port mapper included, is chosen by
 * an argument or an environment variable.
 */
import { writeFileSync, rmSync, mkdirSync } from 'node:fs';
import { start as startRepl } from 'node:repl';
import { buildEvalScope, createLogger, System, type ApplicationDescriptor } from '@kvrel/runtime';
import { releaseContext, type ReleaseContext, type ReleaseManifest } from './release-context.js';
import { bootRelease } from './release-boot.js';
import { DAEMON_ENV, logDir, pidFile, runDaemon } from './daemon.js';
import { redirectOutputToLog } from './daemon-output.js';
import { closeRunningNodeConnection, distributionForStart, runPortMapperIfAsked } from './node-link.js';
import { pid, remote, restart, stop } from './remote-commands.js';
import { runOperationCommand } from '../operations/operation-commands.js';

export { PROBE_COMMAND } from './probe.js';
import { PROBE_COMMAND } from './probe.js';

export async function releaseMain(applications: readonly ApplicationDescriptor[], manifest: ReleaseManifest): Promise<void> {
  if (await runPortMapperIfAsked()) return;
  const given = process.argv.slice(2);
  // A Node without SEA execArgvExtension leaves --node-options= in argv: it is not a command.
  if (given[0]?.startsWith('--node-options=')) given.shift();
  const [command = '', ...args] = given;
  const context = releaseContext(manifest);
  try {
    const status = await dispatch(command, args, context, applications);
    if (status !== undefined) await exit(status);
  } catch (error) {
    // NodeNotRunningError and boot errors alike: one line, no stack (the user's input or setup).
    process.stderr.write(`ERROR: ${error instanceof Error ? error.message : String(error)}\n`);
    await exit(1);
  }
}

/** Returns an exit status, or undefined when the node keeps running. */
async function dispatch(command: string, args: string[], context: ReleaseContext, applications: readonly ApplicationDescriptor[]): Promise<number | undefined> {
  // ping, status, top, logs, install, uninstall, rpc and eval (with arguments): SPEC §10.
  const operation = runOperationCommand(command, args, context, applications);
  if (operation) return operation;
  switch (command) {
    case 'start':
    case 'start_iex':
      await startNode(context, applications, command === 'start_iex');
      return undefined;
    case 'daemon':
    case 'daemon_iex':
      return runDaemon(context, 'start');
    case 'remote':
      return remote();
    case 'pid':
      return pid();
    case 'stop':
      return stop();
    case 'restart':
      return restart();
    case PROBE_COMMAND:
      process.stdout.write(`${JSON.stringify({ name: context.manifest.name, version: context.manifest.version, node: process.version, execArgv: process.execArgv })}\n`);
      return 0;
    default:
      process.stderr.write(`ERROR: Unknown command ${command}; run bin/${context.manifest.name} for the list of commands\n`);
      return 1;
  }
}

async function startNode(context: ReleaseContext, applications: readonly ApplicationDescriptor[], withShell: boolean): Promise<void> {
  const daemon = process.env[DAEMON_ENV] === '1';
  if (daemon) redirectOutputToLog(logDir(context), `${context.manifest.name}.log`);
  const distribution = distributionForStart(context.manifest.name);
  await bootRelease(context, applications, {
    startApplications: true,
    nodeName: distribution?.nodeName,
    startDistribution: distribution?.start,
  });
  createLogger('').info(`${context.manifest.name} ${context.manifest.version} started on ${distribution?.nodeName ?? 'nonode@nohost'} (pid ${process.pid}, Node ${process.version})`);
  if (daemon) {
    mkdirSync(context.tmp, { recursive: true });
    const file = pidFile(context);
    writeFileSync(file, String(process.pid));
    process.on('exit', () => rmSync(file, { force: true }));
  }
  if (withShell && !daemon) {
    const shell = startRepl({ prompt: `${distribution?.nodeName ?? context.manifest.name}> `, useGlobal: false });
    Object.assign(shell.context, buildEvalScope(applications));
    // Leaving the shell (Ctrl+D, .exit, the end of piped input) stops the node, as quitting IEx does.
    shell.on('exit', () => System.stop(0));
  }
  System.keepRunning();
}

/** Exits once stdout and stderr are flushed (a pipe may still hold what rpc printed). */
async function exit(status: number): Promise<never> {
  await closeRunningNodeConnection();
  await new Promise<void>((resolve) => process.stdout.write('', () => resolve()));
  await new Promise<void>((resolve) => process.stderr.write('', () => resolve()));
  process.exit(status);
}
