/**
 * `bin/<name> ping`: `pong` and exit 0 when the node answers, `pang` and exit 1 otherwise (relx's
 * ping), within PING_TIMEOUT_MS whatever the node does (not running, not registered, hung).
 */
import { callRunningNode, NodeNotRunningError } from '../node-link.js';

export const PING_TIMEOUT_MS = 5_000;

export async function pingCommand(timeoutMs = PING_TIMEOUT_MS): Promise<number> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'pang'>((resolve) => {
    timer = setTimeout(() => resolve('pang'), timeoutMs);
  });
  const answer = callRunningNode('status', 'ping', [], timeoutMs).then(
    (reply) => (reply === 'pong' ? 'pong' : 'pang'),
    (error: unknown) => {
      // No node, or none answering: pang. A setup mistake (no cookie, distribution none, a bad RELEASE_DIST_TLS file) is an error.
      const code = String((error as { code?: unknown }).code);
      if (error instanceof NodeNotRunningError || (code.startsWith('DIST_') && code !== 'DIST_BAD_TLS_CONFIG')) return 'pang' as const;
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
