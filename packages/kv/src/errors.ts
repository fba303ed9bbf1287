/** kv's error codes: carried by error results (whose reason is the `ERROR <reason>` reply) and listed in docs/errors.md. */
export const KV_ERROR_CODES = [
  'KV_NO_ROUTE',
  'KV_ROUTING_CYCLE',
  'KV_NODE_DOWN',
  'KV_BAD_ROUTING_TABLE',
  'KV_BAD_REPLY',
  'KV_OUT_OF_MEMORY',
  'KV_BAD_MAX_MEMORY',
] as const;
export type KvErrorCode = (typeof KV_ERROR_CODES)[number];
