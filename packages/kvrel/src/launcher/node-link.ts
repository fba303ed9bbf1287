/**
 * How the release's executable reaches distribution: the node name and cookie bin/<name> exported
 * (RELEASE_NODE, RELEASE_DISTRIBUTION, RELEASE_COOKIE, KVREL_PORT_MAPPER_PORT, KVREL_DIST_PORT,
 * RELEASE_DIST_TLS),
 * starting distribution for `start`, and calling the running node as a hidden client for rpc,
 * remote, stop, restart and pid (one connection per command).
 */
import { connectHidden, distributionOptionsFromEnv, distTlsFromEnv, peerAbsent, runPortMapperFromEnv, type HiddenConnection } from '@kvrel/runtime/internal';
import { releaseCookie, releaseName, runningNodeName } from '../shared/node-name.js';

export { runningNodeName };

export class NodeNotRunningError extends Error {
  override readonly name = 'NodeNotRunningError';
}

/** Calls that may run as long as the user's expression (rpc, remote, restart) use this deadline. */
export const NO_DEADLINE_MS = 2_147_483_647;

let connection: Promise<HiddenConnection> | undefined;

function connect(env: NodeJS.ProcessEnv): Promise<HiddenConnection> {
  if (env['RELEASE_DISTRIBUTION'] === 'none') {
    return Promise.reject(new Error(`${env['RELEASE_COMMAND'] || 'this command'} needs distribution, but RELEASE_DISTRIBUTION is none`));
  }
  const target = runningNodeName(env);
  const options = distributionOptionsFromEnv(env, releaseName(env));
  let tls;
  try {
    tls = distTlsFromEnv(env);
  } catch (error) {
    return Promise.reject(error as Error);
  }
  return connectHidden(target, releaseCookie(env), { portMapperPort: options.portMapperPort, distPort: options.distPort, tls }).catch((error: unknown) => {
    // Only when nothing runs there; a port mapper or a node that hangs is reported as it is.
    if (peerAbsent(error)) throw new NodeNotRunningError(`no node ${JSON.stringify(target)} is running`);
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
