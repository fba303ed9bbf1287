/**
 * The `ERROR` reason of an operation that could not be forwarded to its node. When the request left
 * this node and no answer came (a call timeout, a node that went away or was declared down while the
 * request was pending) the other node may have applied it: the reason says the outcome is unknown,
 * so a client does not take an `ERROR` after `PUT` as "not written".
 */

/** Distribution errors after which a sent request may or may not have run (packages/runtime distribution/errors.ts). */
const SENT_NO_REPLY = new Set(['DIST_CALL_TIMEOUT', 'DIST_NODE_WENT_AWAY']);

export function describeForwardFailure(node: string, error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const { code, data } = (error ?? {}) as { code?: unknown; data?: { timeoutMs?: unknown; reason?: unknown } };
  if (typeof code !== 'string' || !SENT_NO_REPLY.has(code)) return message;
  if (code === 'DIST_CALL_TIMEOUT' && typeof data?.timeoutMs === 'number') {
    return `node ${JSON.stringify(node)} did not reply within ${data.timeoutMs} ms; the outcome is unknown`;
  }
  const why = typeof data?.reason === 'string' ? ` (${data.reason})` : '';
  return `node ${JSON.stringify(node)} went away before replying${why}; the outcome is unknown`;
}
