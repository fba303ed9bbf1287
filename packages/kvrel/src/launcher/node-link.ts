/**
 * How the release's executable reaches distribution: the node name and cookie bin/<name> exported
 * (RELEASE_NODE, RELEASE_DISTRIBUTION, RELEASE_COOKIE, KVREL_PORT_MAPPER_PORT, KVREL_DIST_PORT,
 * RELEASE_DIST_TLS),
 * starting distribution for `start`, and calling the running node as a hidden client for rpc,
 * remote, stop, restart and pid (one connection per command).
 */
import { connectHidden, DIST_TLS_ENV, distributionOptionsFromEnv, distTlsFromEnv, peerAbsent, runPortMapperFromEnv, type HiddenConnection } from '@kvrel/runtime/internal';
import { nodeNameOf, type NodeDistribution } from './node-name.js';
import { UserError } from '../user-error.js';

/** Nothing runs under the node's name: the commands that need the node say so in one line. */
export class NodeNotRunningError extends UserError {
  constructor(node: string) {
    super('KVREL_NODE_NOT_RUNNING', `no node ${JSON.stringify(node)} is running`);
    this.name = 'NodeNotRunningError';
  }
}

/** Calls that may run as long as the user's expression (rpc, remote, restart) use this deadline. */
export const NO_DEADLINE_MS = 2_147_483_647;

function releaseName(env: NodeJS.ProcessEnv): string {
  return env['RELEASE_NAME'] ?? 'nonode';
}

/** The running node's full name (`foo@host`), as start would have chosen it. */
export function runningNodeName(env: NodeJS.ProcessEnv = process.env): string {
  const options = distributionOptionsFromEnv(env, releaseName(env));
  return options.mode === 'none' ? nodeNameOf(undefined) : nodeNameOf({ ...options, mode: options.mode, cookie: '' });
}

function cookie(env: NodeJS.ProcessEnv): string {
  const value = env['RELEASE_COOKIE'];
  if (!value) throw new UserError('KVREL_EMPTY_COOKIE', 'RELEASE_COOKIE is empty; set it in env.sh or the environment, or restore releases/COOKIE');
  return value;
}

/** RELEASE_DISTRIBUTION, RELEASE_NODE (default the release name), the cookie and ports; undefined for `none`. */
export function distributionFromEnv(name: string, env: NodeJS.ProcessEnv = process.env): NodeDistribution | undefined {
  const options = distributionOptionsFromEnv(env, name);
  if (options.mode === 'none') return undefined;
  return { ...options, mode: options.mode, cookie: cookie(env), tlsFile: env[DIST_TLS_ENV] || undefined };
}

let connection: Promise<HiddenConnection> | undefined;

function connect(env: NodeJS.ProcessEnv): Promise<HiddenConnection> {
  if (env['RELEASE_DISTRIBUTION'] === 'none') {
    return Promise.reject(
      new UserError('KVREL_NO_DISTRIBUTION', `${env['RELEASE_COMMAND'] || 'this command'} needs distribution, but RELEASE_DISTRIBUTION is none; unset it or set it to sname or name`),
    );
  }
  const target = runningNodeName(env);
  const options = distributionOptionsFromEnv(env, releaseName(env));
  let tls;
  try {
    tls = distTlsFromEnv(env);
  } catch (error) {
    return Promise.reject(error as Error);
  }
  return connectHidden(target, cookie(env), { portMapperPort: options.portMapperPort, distPort: options.distPort, tls }).catch((error: unknown) => {
    // Only when nothing runs there; a port mapper or a node that hangs is reported as it is.
    if (peerAbsent(error)) throw new NodeNotRunningError(target);
    throw error;
  });
}

/** Calls service.fn(...args) on the running node; the first call connects. */
export async function callRunningNode(service: string, fn: string, args: readonly unknown[], timeoutMs?: number, env: NodeJS.ProcessEnv = process.env): Promise<unknown> {
  connection ??= connect(env);
  return (await connection).call(service, fn, args, timeoutMs);
}

export async function closeRunningNodeConnection(): Promise<void> {
  const current = connection;
  connection = undefined;
  if (current) (await current.catch(() => undefined))?.close();
}

/** KVREL_RUN_PORT_MAPPER=1: this process becomes the host's port mapper (started on demand by a node). */
export async function runPortMapperIfAsked(): Promise<boolean> {
  return runPortMapperFromEnv();
}
