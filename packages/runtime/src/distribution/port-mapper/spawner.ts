/**
 * How a node starts the host's port mapper when none answers: a detached background process that
 * outlives the node (as the first Erlang node of a host starts epmd).
 *
 * The default spawns this same program with KVREL_RUN_PORT_MAPPER=1 in its environment:
 * - from source (`kvrel run` on Node 20): `process.execPath [execArgv] process.argv[1]`;
 * - inside a single executable application: `process.execPath` alone (fork(__filename) does not
 *   work there; the entry sees the variable).
 * Either way the entry must call runPortMapperFromEnv() before anything else. An entry that
 * wants another command line installs its own spawner with setPortMapperSpawner().
 */
import { spawn } from 'node:child_process';
import { isSea } from 'node:sea';
import { RUN_PORT_MAPPER_ENV } from './server.js';
import { PORT_MAPPER_PORT_ENV } from '../ports.js';
import { DIST_ADDRESS_ENV } from '../dist-address.js';

export interface PortMapperSpawnRequest {
  /** The port the mapper must listen on. */
  readonly port: number;
  /** The address it listens on (and loopback); default every interface. */
  readonly address?: string;
}

/** Starts the mapper in the background and returns at once (the client polls until it answers). */
export type PortMapperSpawner = (request: PortMapperSpawnRequest) => void;

export interface SpawnCommand {
  readonly command: string;
  readonly args: readonly string[];
  readonly env: NodeJS.ProcessEnv;
}

export interface ProcessFacts {
  readonly execPath: string;
  readonly execArgv: readonly string[];
  readonly argv: readonly string[];
  readonly sea: boolean;
  readonly env: NodeJS.ProcessEnv;
}

/** The command line of the default spawner (pure); undefined when this process has no script to rerun. */
export function portMapperSpawnCommand(facts: ProcessFacts, request: PortMapperSpawnRequest): SpawnCommand | undefined {
  // Only what the mapper needs: never the node's cookie (RELEASE_COOKIE) nor its NODE_OPTIONS.
  const env: NodeJS.ProcessEnv = { [RUN_PORT_MAPPER_ENV]: '1', [PORT_MAPPER_PORT_ENV]: String(request.port) };
  if (request.address !== undefined) env[DIST_ADDRESS_ENV] = request.address;
  if (facts.env['PATH'] !== undefined) env['PATH'] = facts.env['PATH'];
  if (facts.sea) return { command: facts.execPath, args: [], env };
  const script = facts.argv[1];
  if (script === undefined || script === '') return undefined;
  // An inspector or debugger flag would make the child fight the parent for its port.
  const execArgv = facts.execArgv.filter((flag) => !/^--(inspect|debug)/.test(flag));
  return { command: facts.execPath, args: [...execArgv, script], env };
}

export const defaultPortMapperSpawner: PortMapperSpawner = (request) => {
  const facts = { execPath: process.execPath, execArgv: process.execArgv, argv: process.argv, sea: runningInSea(), env: process.env };
  const command = portMapperSpawnCommand(facts, request);
  if (!command) {
    throw new Error(`cannot start the port mapper from this process (no script to rerun); start a kvrel node first or call setPortMapperSpawner()`);
  }
  const child = spawn(command.command, command.args, { env: command.env, detached: true, stdio: 'ignore', cwd: '/', windowsHide: true });
  child.on('error', () => {}); // the client's connect loop reports a mapper that never answers
  child.unref();
};

let spawner: PortMapperSpawner = defaultPortMapperSpawner;

/** Installs how this process starts the port mapper; returns the previous spawner. No argument restores the default. */
export function setPortMapperSpawner(next?: PortMapperSpawner): PortMapperSpawner {
  const previous = spawner;
  spawner = next ?? defaultPortMapperSpawner;
  return previous;
}

export function spawnPortMapper(request: PortMapperSpawnRequest): void {
  spawner(request);
}

function runningInSea(): boolean {
  try {
    return isSea();
  } catch {
    return false;
  }
}
