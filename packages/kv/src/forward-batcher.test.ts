import { describe, expect, it } from 'vitest';
import { ForwardBatcher, routeBatch } from './forward-batcher.js';
import type { KvOperation, KvResult } from './operation.js';

const get = (key: string): KvOperation => ({ op: 'get', bucket: 'shopping', key });

describe('ForwardBatcher', () => {
  it('sends the operations of one turn to one node as one batch, results in order', async () => {
    const sent: Array<{ node: string; keys: string[]; seen: readonly string[] }> = [];
    const batcher = new ForwardBatcher(async (node, operations, seen) => {
      sent.push({ node, keys: operations.map((o) => (o as { key: string }).key), seen });
      return operations.map((o): KvResult => ({ status: 'ok', value: `${node}:${(o as { key: string }).key}` }));
    });
    const results = await Promise.all([
      batcher.forward('bar', get('a'), ['foo']),
      batcher.forward('baz', get('b'), ['foo']),
      batcher.forward('bar', get('c'), ['foo']),
    ]);
    expect(results.map((r) => (r as { value: string }).value)).toEqual(['bar:a', 'baz:b', 'bar:c']);
    expect(sent).toEqual([
      { node: 'bar', keys: ['a', 'c'], seen: ['foo'] },
      { node: 'baz', keys: ['b'], seen: ['foo'] },
    ]);
  });

  it('keeps operations with different seen lists apart', async () => {
    const seens: string[][] = [];
    const batcher = new ForwardBatcher(async (_node, operations, seen) => {
      seens.push([...seen]);
      return operations.map((): KvResult => ({ status: 'ok' }));
    });
    await Promise.all([batcher.forward('bar', get('a'), ['foo']), batcher.forward('bar', get('b'), ['foo', 'baz'])]);
    expect(seens).toEqual([['foo'], ['foo', 'baz']]);
  });

  it('fails every operation of a batch whose call fails, with the error naming the node', async () => {
    const batcher = new ForwardBatcher(async () => {
      throw new Error('node "bar" is not reachable (connection refused)');
    });
    const results = await Promise.allSettled([batcher.forward('bar', get('a'), ['foo']), batcher.forward('bar', get('b'), ['foo'])]);
    expect(results.map((r) => r.status === 'rejected' && (r.reason as Error).message)).toEqual([
      'node "bar" is not reachable (connection refused)',
      'node "bar" is not reachable (connection refused)',
    ]);
  });
});

describe('routeBatch', () => {
  it('returns an array synchronously when every operation is local', () => {
    const results = routeBatch((op) => ({ status: 'ok', value: (op as { key: string }).key }), [get('a'), get('b')], []);
    expect(results).toEqual([
      { status: 'ok', value: 'a' },
      { status: 'ok', value: 'b' },
    ]);
  });

  it('waits for operations that go on to another node', async () => {
    const results = routeBatch(
      (op) => ((op as { key: string }).key === 'a' ? { status: 'ok' } : Promise.resolve({ status: 'not_found' })),
      [get('a'), get('b')],
      [],
    );
    expect(await results).toEqual([{ status: 'ok' }, { status: 'not_found' }]);
  });
});
