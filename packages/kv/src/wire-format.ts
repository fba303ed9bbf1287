/**
 * How batches of kv operations and their results travel between nodes: compact tuples instead of
 * objects, so a routed operation costs little to encode and decode on either side.
 *   operation: [0, bucket] create · [1, bucket, key] get · [2, bucket, key, value] put · [3, bucket, key] delete
 *   result:    null ok · "value" ok with a value · 1 not_found · [code, reason] error
 * A GET whose key is absent answers null: the caller knows it asked a GET.
 */
import type { KvErrorCode } from './errors.js';
import { NOT_FOUND, OK, type KvOperation, type KvResult } from './operation.js';

export type WireOperation = readonly [0, string] | readonly [1 | 3, string, string] | readonly [2, string, string, string];
export type WireResult = null | string | 1 | readonly [KvErrorCode, string];

export function encodeOperation(operation: KvOperation): WireOperation {
  switch (operation.op) {
    case 'create':
      return [0, operation.bucket];
    case 'get':
      return [1, operation.bucket, operation.key];
    case 'put':
      return [2, operation.bucket, operation.key, operation.value];
    case 'delete':
      return [3, operation.bucket, operation.key];
  }
}

/** Throws on anything that is not a wire operation (a peer's bug, not a user's). */
export function decodeOperation(wire: unknown): KvOperation {
  if (Array.isArray(wire) && typeof wire[1] === 'string') {
    const [kind, bucket, key, value] = wire as [unknown, string, unknown, unknown];
    if (kind === 0) return { op: 'create', bucket };
    if (typeof key === 'string') {
      if (kind === 1) return { op: 'get', bucket, key };
      if (kind === 3) return { op: 'delete', bucket, key };
      if (kind === 2 && typeof value === 'string') return { op: 'put', bucket, key, value };
    }
  }
  throw new Error(`malformed kv operation from another node: ${JSON.stringify(wire)}`);
}

export function encodeResult(result: KvResult): WireResult {
  if (result.status === 'ok') return result.value ?? null;
  if (result.status === 'not_found') return 1;
  return [result.code, result.reason];
}

export function decodeResult(wire: unknown): KvResult {
  if (wire === null || wire === undefined) return OK;
  if (typeof wire === 'string') return { status: 'ok', value: wire };
  if (wire === 1) return NOT_FOUND;
  if (Array.isArray(wire) && typeof wire[0] === 'string' && typeof wire[1] === 'string')
    return { status: 'error', code: wire[0] as KvErrorCode, reason: wire[1] };
  return { status: 'error', code: 'KV_BAD_REPLY', reason: `malformed kv result from another node: ${JSON.stringify(wire)}` };
}
