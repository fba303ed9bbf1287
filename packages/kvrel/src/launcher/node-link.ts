/**
 * How the release's client commands (rpc, remote, stop, restart, pid) call the running node: as a
 * hidden node, one connection per command, named and let in by bin/<name>'s RELEASE_* environment
 * (shared/node-name.ts); and the port mapper the executable runs when KVREL_RUN_PORT_MAPPER=1.
 */
import { connectHidden, distributionOptionsFromEnv, distTlsFromEnv, peerAbsent, runPortMapperFromEnv, type HiddenConnection } from '@kvrel/runtime/internal';
import { releaseCookie, releaseName, runningNodeName } from '../shared/node-name.js';
import { UserError } from '../shared/user-error.js';

export { runningNodeName };

/** Nothing runs under the node's name: the commands that need the node say so in one line. */
export class NodeNotRunningError extends UserError {
  constructor(node: string) {
    super('KVREL_NODE_NOT_RUNNING', `no node ${JSON.stringify(node)} is running`);
    this.name = 'NodeNotRunningError';
  }
}

/** Calls that may run as long as the user's expression (rpc, remote, restart) use this deadline. */
export const NO_DEADLINE_MS = 2_147_483_647;

let connection: Promise<HiddenConnection> | undefined;

function connect(env: NodeJS.ProcessEnv): Promise<HiddenConnection> {
  if (env['RELEASE_DISTRIBUTION'] === 'none') {
    return Promise.reject(
      new UserError(
        'KVREL_NO_DISTRIBUTION',
        `${env['RELEASE_COMMAND'] || 'this command'} needs distribution, but RELEASE_DISTRIBUTION is none; unset it or set it to sname or name`,
      ),
    );
  }
  const target = runningNodeName(env);
  const options = distributionOptionsFromEnv(env, releaseName(env));
  let tls: ReturnType<typeof distTlsFromEnv>;
  try {
    tls = distTlsFromEnv(env);
  } catch (error) {
    return Promise.reject(error as Error);
  }
  return connectHidden(target, releaseCookie(env), { portMapperPort: options.portMapperPort, distPort: options.distPort, tls }).catch((error: unknown) => {
    // Only when nothing runs there; a port mapper or a node that hangs is reported as it is.
    if (peerAbsent(error)) throw new NodeNotRunningError(target);
    throw error;
  });
}

/** Calls service.fn(...args) on the running node; the first call connects. */
export async function callRunningNode(
  service: string,
  fn: string,
  args: readonly unknown[],
  timeoutMs?: number,
  env: NodeJS.ProcessEnv = process.env,
): Promise<unknown> {
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
