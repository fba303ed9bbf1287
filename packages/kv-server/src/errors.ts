/** kv-server's error codes, listed in the README: a setting it cannot serve with stops its start. */
export const KV_SERVER_ERROR_CODES = ['KV_SERVER_BAD_SETTING'] as const;
export type KvServerErrorCode = (typeof KV_SERVER_ERROR_CODES)[number];
