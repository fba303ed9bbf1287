import { describe, expect, it } from 'vitest';
import type { KvOperation, KvResult } from './operation.js';
import { decodeOperation, decodeResult, encodeOperation, encodeResult } from './wire-format.js';

describe('wire format', () => {
  it('round-trips every operation', () => {
    const operations: KvOperation[] = [
      { op: 'create', bucket: 'shopping' },
      { op: 'get', bucket: 'shopping', key: 'milk' },
      { op: 'put', bucket: 'shopping', key: 'milk', value: '1' },
      { op: 'delete', bucket: 'shopping', key: 'milk' },
    ];
    for (const operation of operations) expect(decodeOperation(encodeOperation(operation))).toEqual(operation);
  });

  it('round-trips every result', () => {
    const results: KvResult[] = [
      { status: 'ok' },
      { status: 'ok', value: 'v' },
      { status: 'ok', value: '' },
      { status: 'not_found' },
      { status: 'error', code: 'KV_ROUTING_CYCLE', reason: 'routing cycle: a -> b -> a' },
    ];
    for (const result of results) expect(decodeResult(encodeResult(result))).toEqual(result);
  });

  it('refuses malformed operations and reports malformed results as errors', () => {
    expect(() => decodeOperation([2, 'b', 'k'])).toThrow('malformed kv operation from another node: [2,"b","k"]');
    expect(() => decodeOperation('x')).toThrow('malformed kv operation');
    expect(decodeResult({ nope: 1 })).toEqual({ status: 'error', code: 'KV_BAD_REPLY', reason: 'malformed kv result from another node: {"nope":1}' });
  });
});
