/**
 * What a client asks of kv, as plain data that can travel to another node, and what comes back.
 * applyLocal runs an operation against this node's registry.
 */
import type { Registry } from './registry.js';
import type { KvErrorCode } from './errors.js';

export type KvOperation =
  | { readonly op: 'create'; readonly bucket: string }
  | { readonly op: 'get'; readonly bucket: string; readonly key: string }
  | { readonly op: 'put'; readonly bucket: string; readonly key: string; readonly value: string }
  | { readonly op: 'delete'; readonly bucket: string; readonly key: string };

export type KvResult =
  | { readonly status: 'ok'; readonly value?: string | undefined }
  | { readonly status: 'not_found' }
  | { readonly status: 'error'; readonly code: KvErrorCode; readonly reason: string };

export const OK: KvResult = Object.freeze({ status: 'ok' });
export const NOT_FOUND: KvResult = Object.freeze({ status: 'not_found' });

/** A write that would take this node past kv.maxMemoryBytes (Redis: `-OOM command not allowed`). */
export const OUT_OF_MEMORY: KvResult = Object.freeze({ status: 'error', code: 'KV_OUT_OF_MEMORY', reason: 'out of memory' });

export function applyLocal(registry: Registry, operation: KvOperation): KvResult {
  if (operation.op === 'create') return registry.create(operation.bucket) ? OK : OUT_OF_MEMORY;
  const bucket = registry.lookup(operation.bucket);
  if (!bucket) return NOT_FOUND;
  switch (operation.op) {
    case 'get':
      return { status: 'ok', value: bucket.get(operation.key) };
    case 'put':
      return bucket.put(operation.key, operation.value) ? OK : OUT_OF_MEMORY;
    case 'delete':
      bucket.delete(operation.key);
      return OK;
  }
}

/** A short human description of an operation, for error messages ("GET shopping milk"). */
export function describeOperation(operation: KvOperation): string {
  switch (operation.op) {
    case 'create':
      return `CREATE ${operation.bucket}`;
    case 'get':
      return `GET ${operation.bucket} ${operation.key}`;
    case 'put':
      return `PUT ${operation.bucket} ${operation.key}`;
    case 'delete':
      return `DELETE ${operation.bucket} ${operation.key}`;
  }
}
