import { describe, expect, it } from 'vitest';
import { mergeConfig } from './merge-config.js';

describe('mergeConfig', () => {
  it('merges plain objects deeply; later wins', () => {
    expect(mergeConfig({ kv: { a: 1, nested: { x: 1, y: 1 } } }, { kv: { b: 2, nested: { y: 2 } } })).toEqual({
      kv: { a: 1, b: 2, nested: { x: 1, y: 2 } },
    });
  });

  it('replaces arrays and scalars', () => {
    expect(mergeConfig({ kv: { routingTable: [1, 2], port: 1 } }, { kv: { routingTable: [3], port: 2 } })).toEqual({
      kv: { routingTable: [3], port: 2 },
    });
  });

  it('does not change its inputs', () => {
    const base = { kv: { nested: { x: 1 } } };
    mergeConfig(base, { kv: { nested: { x: 2 } } });
    expect(base.kv.nested.x).toBe(1);
  });
});
