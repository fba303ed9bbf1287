import { describe, expect, it } from 'vitest';
import type { KvOperation, KvResult } from './operation.js';
import { Registry } from './registry.js';
import { routeOperation, type RouterContext } from './router.js';
import type { RoutingTable } from './routing-table.js';
import { decodeOperation, decodeResult, encodeOperation, encodeResult } from './wire-format.js';
import { BUCKET_OVERHEAD_BYTES, KEY_OVERHEAD_BYTES } from './memory-budget.js';

/** Nodes in one process: forward() calls the other node's router directly, as distribution would. */
function cluster(tables: Record<string, RoutingTable>, down: string[] = [], maxMemoryBytes: Record<string, number> = {}) {
  const nodes = new Map<string, RouterContext>();
  for (const [name, table] of Object.entries(tables)) {
    nodes.set(name, {
      self: () => name,
      table: () => table,
      registry: new Registry({ maxMemoryBytes: maxMemoryBytes[name] }),
      forward: async (node: string, op: KvOperation, seen: readonly string[]): Promise<KvResult> => {
        const peer = nodes.get(node);
        if (!peer || down.includes(node)) throw new Error(`node ${JSON.stringify(node)} is not reachable (connection refused)`);
        // As over distribution: the operation and its result in their wire form.
        return decodeResult(encodeResult(await routeOperation(peer, decodeOperation(encodeOperation(op)), seen)));
      },
    });
  }
  return nodes;
}

const split: RoutingTable = [
  { from: 'a', to: 'm', node: 'foo' },
  { from: 'n', to: 'z', node: 'bar' },
];

describe('routeOperation', () => {
  it('runs local operations in place, synchronously', () => {
    const foo = cluster({ foo: split, bar: split }).get('foo')!;
    expect(routeOperation(foo, { op: 'create', bucket: 'apple' })).toEqual({ status: 'ok' });
    expect(routeOperation(foo, { op: 'put', bucket: 'apple', key: 'k', value: 'v' })).toEqual({ status: 'ok' });
    expect(routeOperation(foo, { op: 'get', bucket: 'apple', key: 'k' })).toEqual({ status: 'ok', value: 'v' });
    expect(foo.registry.lookup('apple')?.get('k')).toBe('v');
  });

  it('sends other buckets to their node', async () => {
    const nodes = cluster({ foo: split, bar: split });
    const foo = nodes.get('foo')!;
    expect(await routeOperation(foo, { op: 'create', bucket: 'shopping' })).toEqual({ status: 'ok' });
    expect(await routeOperation(foo, { op: 'put', bucket: 'shopping', key: 'milk', value: '1' })).toEqual({ status: 'ok' });
    expect(nodes.get('bar')!.registry.lookup('shopping')?.get('milk')).toBe('1');
    expect(foo.registry.lookup('shopping')).toBeUndefined();
  });

  it('answers not_found for a bucket that does not exist', () => {
    const foo = cluster({ foo: split }).get('foo')!;
    expect(routeOperation(foo, { op: 'get', bucket: 'apple', key: 'k' })).toEqual({ status: 'not_found' });
  });

  it('names the bucket that has no route', () => {
    const foo = cluster({ foo: split }).get('foo')!;
    expect(routeOperation(foo, { op: 'create', bucket: 'Zebra' })).toEqual({ status: 'error', code: 'KV_NO_ROUTE', reason: 'no route for bucket "Zebra"' });
  });

  it('answers an error naming the bad entry of a misconfigured table', () => {
    const foo = { ...cluster({ foo: split }).get('foo')!, table: () => [{ from: 'a', to: 'z' }] };
    expect(routeOperation(foo, { op: 'create', bucket: 'apple' })).toEqual({
      status: 'error',
      code: 'KV_BAD_ROUTING_TABLE',
      reason: 'kv.routingTable[0].node must be a node name such as "foo@127.0.0.1", got undefined',
    });
  });

  it('ends opposite tables in a routing cycle error, not a loop', async () => {
    const nodes = cluster({
      foo: [{ from: 'a', to: 'z', node: 'bar' }],
      bar: [{ from: 'a', to: 'z', node: 'foo' }],
    });
    expect(await routeOperation(nodes.get('foo')!, { op: 'create', bucket: 'apple' })).toEqual({
      status: 'error',
      code: 'KV_ROUTING_CYCLE',
      reason: 'routing cycle: foo -> bar -> foo',
    });
  });

  it('turns a node that is down into an error naming it', async () => {
    const foo = cluster({ foo: split, bar: split }, ['bar']).get('foo')!;
    expect(await routeOperation(foo, { op: 'create', bucket: 'shopping' })).toEqual({
      status: 'error',
      code: 'KV_NODE_DOWN',
      reason: 'node "bar" is not reachable (connection refused)',
    });
  });

  it('answers a routed write past kv.maxMemoryBytes of the owner with its out of memory error; reads and deletes still work', async () => {
    const room = BUCKET_OVERHEAD_BYTES + 'shopping'.length + 'milk'.length + 1 + KEY_OVERHEAD_BYTES;
    const nodes = cluster({ foo: split, bar: split }, [], { bar: room });
    const foo = nodes.get('foo')!;
    expect(await routeOperation(foo, { op: 'create', bucket: 'shopping' })).toEqual({ status: 'ok' });
    expect(await routeOperation(foo, { op: 'put', bucket: 'shopping', key: 'milk', value: '1' })).toEqual({ status: 'ok' });
    const outOfMemory = { status: 'error', code: 'KV_OUT_OF_MEMORY', reason: 'out of memory' };
    expect(await routeOperation(foo, { op: 'put', bucket: 'shopping', key: 'eggs', value: '2' })).toEqual(outOfMemory);
    expect(await routeOperation(foo, { op: 'create', bucket: 'tools' })).toEqual(outOfMemory);
    expect(await routeOperation(foo, { op: 'get', bucket: 'shopping', key: 'milk' })).toEqual({ status: 'ok', value: '1' });
    expect(await routeOperation(foo, { op: 'delete', bucket: 'shopping', key: 'milk' })).toEqual({ status: 'ok' });
    expect(await routeOperation(foo, { op: 'put', bucket: 'shopping', key: 'eggs', value: '2' })).toEqual({ status: 'ok' });
    // foo's own buckets are foo's own budget (none set): unaffected.
    expect(routeOperation(foo, { op: 'create', bucket: 'apple' })).toEqual({ status: 'ok' });
  });
});
