/**
 * How the release's executable reaches distribution: the node name and cookie bin/<name> exported
 * (RELEASE_NODE, RELEASE_DISTRIBUTION, RELEASE_COOKIE), starting distribution for `start`, and
 * calling the running node for rpc / remote / stop / restart / pid.
 */
import type { Transport } from '@kvrel/runtime';

export class NodeNotRunningError extends Error {
  override readonly name = 'NodeNotRunningError';
}

export function runningNodeName(env: NodeJS.ProcessEnv = process.env): string {
  return env['RELEASE_NODE'] ?? env['RELEASE_NAME'] ?? 'nonode@nohost';
}

export function distributionForStart(_releaseName: string, env: NodeJS.ProcessEnv = process.env): { nodeName: string; start: () => Promise<Transport | undefined> } | undefined {
  if (env['RELEASE_DISTRIBUTION'] === 'none') return undefined;
  throw new Error('distribution is not available yet in this build; set RELEASE_DISTRIBUTION=none');
}

export async function callRunningNode(_service: string, _fn: string, _args: readonly unknown[], _timeoutMs?: number): Promise<unknown> {
  throw new NodeNotRunningError(`no node ${JSON.stringify(runningNodeName())} is running`);
}

export async function runPortMapperIfAsked(): Promise<boolean> {
  return false;
}
