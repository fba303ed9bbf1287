/**
 * The entry of a release's executable (the SEA's main). bin/<name> runs it with a command (argv[2]).
 * Commands that talk to a running node (rpc, remote, stop, pid, restart), the daemon's spawner and
 * the port mapper run here and never read the applications' code; start, eval and the build probe
 * load the node's code, which the executable carries as an asset, as the ES module
 * releases/<vsn>/lib/node.mjs (slice-asset.ts: top-level await, import.meta.url, workers and files
 * beside packages work as under plain node).
 */
import * as nodeModule from 'node:module';
import { realpathSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { libDir, loadReleaseContext, type ReleaseContext } from '../shared/release-context.js';
import { PROBE_COMMAND } from '../shared/probe-report.js';
import { failureReport } from '../shared/format-failure.js';
import { COMPILE_CACHE_DIR, IMPORT_SHIM_FILE, NODE_BUNDLE_FILE } from '../shared/layout.js';
import type { ReleaseNodeModule } from '../shared/release-node-module.js';

/** The port mapper's marker (runtime's RUN_PORT_MAPPER_ENV), read before anything else is loaded. */
const RUN_PORT_MAPPER = 'KVREL_RUN_PORT_MAPPER';

// Each command loads only what it uses (esbuild keeps these imports lazy inside the one bundle): a
// node's boot does not pay for the client commands, the daemon spawner or the port mapper.
let clientLoaded: Promise<typeof import('./node-link.js')> | undefined;
const nodeLink = () => (clientLoaded ??= import('./node-link.js'));

/**
 * Node's SIGUSR1 inspector stays shut unless vm.args asks for it (--inspect...): bin/<name> passes
 * --disable-sigusr1 where the Node takes it; a listener does the same on older Nodes, and costs
 * nothing where the flag is on. Installed before anything else the executable does.
 */
function keepSigusr1InspectorShut(): void {
  const options = `${process.execArgv.join(' ')} ${process.env['NODE_OPTIONS'] ?? ''}`;
  if (!/(^|\s)--inspect/.test(options)) process.on('SIGUSR1', () => {});
}

export async function launcherMain(): Promise<void> {
  keepSigusr1InspectorShut();
  if (process.env[RUN_PORT_MAPPER] === '1' && (await (await nodeLink()).runPortMapperIfAsked())) return;
  const given = process.argv.slice(2);
  // A Node without SEA execArgvExtension leaves --node-options= in argv: it is not a command.
  if (given[0]?.startsWith('--node-options=')) given.shift();
  try {
    const context = loadReleaseContext();
    const status = await runGiven(given, context);
    if (status !== undefined) await exit(status);
  } catch (error) {
    process.stderr.write(failureReport(error, 'ERROR: '));
    await exit(1);
  }
}

/**
 * A release command, or a node command line: code in a node that runs `process.execPath` with a
 * script (fork, cluster, a process pool) gets what node would do. A cluster worker or a fork of the
 * node's own main (`process.argv[1]`, the executable) runs the release command after it again.
 */
async function runGiven(given: string[], context: ReleaseContext): Promise<number | undefined> {
  const [command = '', ...args] = given;
  if (!looksLikeNodeCommandLine(command)) return dispatch(command, args, context);
  const { parseNodeCommandLine } = await import('./node-command-line.js');
  const line = parseNodeCommandLine(given);
  if (!line) return dispatch(command, args, context);
  if (line.kind === 'script' && isThisExecutable(line.script)) return runGiven([...line.args], context);
  const importFile = diskImporter(context);
  await (await import('./run-as-node.js')).runAsNode(line, importFile);
  return undefined;
}

/** A release command is a bare word; node's command line starts with an option or a script's path. */
function looksLikeNodeCommandLine(first: string): boolean {
  return first.startsWith('-') || first.includes('/') || /\.[cm]?[jt]s$/.test(first);
}

function isThisExecutable(path: string): boolean {
  try {
    return realpathSync(path) === realpathSync(process.execPath);
  } catch {
    return false;
  }
}

/** Returns an exit status, or undefined when the node keeps running. */
async function dispatch(command: string, args: string[], context: ReleaseContext): Promise<number | undefined> {
  switch (command) {
    case 'start':
    case 'start_iex':
    case 'eval':
    case PROBE_COMMAND:
      return (await loadNode(context)).runReleaseNode(command, args, context);
    case 'daemon':
    case 'daemon_iex':
      return (await import('./daemon.js')).runDaemon(context, 'start');
    case 'stop':
      await nodeLink();
      return (await import('./stop-command.js')).stop(context);
    case 'remote':
    case 'pid':
    case 'restart': {
      await nodeLink();
      const remote = await import('./remote-commands.js');
      return { remote: remote.remote, pid: remote.pid, restart: remote.restart }[command]();
    }
    default: {
      // ping, status, top, logs, install, uninstall and rpc (with arguments): SPEC §10.
      await nodeLink();
      const operation = (await import('./operations/operation-commands.js')).runOperationCommand(command, args, context);
      if (operation) return operation;
      process.stderr.write(`ERROR: Unknown command ${command}; run bin/${context.manifest.name} for the list of commands\n`);
      return 1;
    }
  }
}

/**
 * Imports the node's code. Its V8 code cache (filled when the release was built, portable so the
 * release can move) spares compiling it at every boot; source maps make stacks name the sources.
 */
async function loadNode(context: ReleaseContext): Promise<ReleaseNodeModule> {
  const lib = libDir(context);
  // module.enableCompileCache (Node 22.1+; `portable` since 24): absent on older --node binaries.
  const enable = (nodeModule as { enableCompileCache?: (options: { directory: string; portable: boolean }) => unknown }).enableCompileCache;
  enable?.({ directory: join(lib, COMPILE_CACHE_DIR), portable: true });
  if (process.env['NODE_ENV'] === undefined && context.manifest.env === 'prod') process.env['NODE_ENV'] = 'production';
  process.setSourceMapsEnabled(true);
  const url = pathToFileURL(join(lib, NODE_BUNDLE_FILE)).href;
  // Else an executable built on a Node without module hooks: the file is on disk there.
  (await import('./slice-asset.js')).serveSliceFromExecutable(url);
  const importFromDisk = diskImporter(context);
  return (await importFromDisk(url)) as ReleaseNodeModule;
}

/** A SEA's main has no import() on Node 20 (no dynamic import callback): a file on disk has one. */
function diskImporter(context: ReleaseContext): (url: string) => Promise<unknown> {
  const shim = join(libDir(context), IMPORT_SHIM_FILE);
  return nodeModule.createRequire(shim)(shim) as (url: string) => Promise<unknown>;
}

/** Exits once stdout and stderr are flushed (a pipe may still hold what rpc printed). */
async function exit(status: number): Promise<never> {
  if (clientLoaded) await (await clientLoaded).closeRunningNodeConnection();
  await new Promise<void>((resolve) => process.stdout.write('', () => resolve()));
  await new Promise<void>((resolve) => process.stderr.write('', () => resolve()));
  process.exit(status);
}
