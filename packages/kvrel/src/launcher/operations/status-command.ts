/**
 * `bin/<name> status [--json]`: what the running node says of itself (node-status.ts in the runtime);
 * exit 0 only when every permanent application is started, so it serves as a health check.
 */
import type { NodeStatus } from '@kvrel/runtime';
import { callRunningNode } from '../node-link.js';
import { formatStatus, permanentApplicationsDown } from './format-status.js';

/** The runtime's STATUS_SERVICE (status/status-service.ts), as the launcher's other calls name "system". */
const STATUS_SERVICE = 'status';

export function fetchStatus(): Promise<NodeStatus> {
  return callRunningNode(STATUS_SERVICE, 'status', []) as Promise<NodeStatus>;
}

export async function statusCommand(args: readonly string[]): Promise<number> {
  const unknown = args.filter((arg) => arg !== '--json');
  if (unknown.length > 0) {
    process.stderr.write(`ERROR: status takes --json only, got ${JSON.stringify(unknown[0])}\n`);
    return 1;
  }
  const status = await fetchStatus();
  const healthy = permanentApplicationsDown(status).length === 0;
  process.stdout.write(args.includes('--json') ? `${JSON.stringify({ healthy, ...status }, null, 2)}\n` : formatStatus(status));
  return healthy ? 0 : 1;
}
