/** One connection's own limits (kv-server env keys), with the defaults of SPEC §7. */
export interface ConnectionLimits {
  /** The longest request line served, without its "\r\n" (kv-server.maxLineBytes). */
  readonly maxLineBytes: number;
  /** Unread reply bytes past which the connection stops reading (kv-server.maxPendingReplyBytes). */
  readonly maxPendingReplyBytes: number;
  /** Unread reply bytes past which the client is dropped (kv-server.dropPendingReplyBytes). */
  readonly dropPendingReplyBytes: number;
}

export const DEFAULT_CONNECTION_LIMITS: ConnectionLimits = {
  maxLineBytes: 1_048_576,
  maxPendingReplyBytes: 1_048_576,
  dropPendingReplyBytes: 16_777_216,
};

/** The limits given, without the undefined ones (so defaults are not overwritten). */
export function definedOnly(options: Partial<ConnectionLimits>): Partial<ConnectionLimits> {
  const limits: { -readonly [K in keyof ConnectionLimits]?: number } = {};
  if (options.maxLineBytes !== undefined) limits.maxLineBytes = options.maxLineBytes;
  if (options.maxPendingReplyBytes !== undefined) limits.maxPendingReplyBytes = options.maxPendingReplyBytes;
  if (options.dropPendingReplyBytes !== undefined) limits.dropPendingReplyBytes = options.dropPendingReplyBytes;
  return limits;
}
