/** kv's error codes, as they appear in `ERROR <reason>` replies and in the README's errors table. */
export const KV_ERROR_CODES = ['KV_NO_ROUTE', 'KV_ROUTING_CYCLE', 'KV_NODE_DOWN', 'KV_BAD_ROUTING_TABLE'] as const;
export type KvErrorCode = (typeof KV_ERROR_CODES)[number];
