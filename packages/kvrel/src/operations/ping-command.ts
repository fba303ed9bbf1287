/**
 * `bin/<name> ping`: `pong` and exit 0 when the node answers, `pang` and exit 1 otherwise (relx's
 * ping), within PING_TIMEOUT_MS whatever the node does (not running, not registered, hung).
 */
import { callRunningNode, NodeNotRunningError } from '../launcher/node-link.js';

export const PING_TIMEOUT_MS = 5_000;

export async function pingCommand(timeoutMs = PING_TIMEOUT_MS): Promise<number> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'pang'>((resolve) => {
    timer = setTimeout(() => resolve('pang'), timeoutMs);
  });
  const answer = callRunningNode('status', 'ping', [], timeoutMs).then(
    (reply) => (reply === 'pong' ? 'pong' : 'pang'),
    (error: unknown) => {
      // No node, or none answering: pang. A setup mistake (no cookie, distribution none) is an error.
      if (error instanceof NodeNotRunningError || String((error as { code?: unknown }).code).startsWith('DIST_')) return 'pang' as const;
      throw error;
    },
  );
  try {
    const result = await Promise.race([answer, deadline]);
    process.stdout.write(`${result}\n`);
    return result === 'pong' ? 0 : 1;
  } finally {
    clearTimeout(timer);
  }
}
