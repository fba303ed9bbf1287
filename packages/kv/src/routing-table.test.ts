import { describe, expect, it } from 'vitest';
import { compileRoutingTable, lookupRoute, validateRoutingTable } from './routing-table.js';

const table = [
  { from: 'a', to: 'm', node: 'foo@127.0.0.1' },
  { from: 'n', to: 'z', node: 'bar@127.0.0.1' },
];

describe('routing table', () => {
  it('routes by the first character, inclusive ranges', () => {
    expect(lookupRoute(table, 'apple')).toBe('foo@127.0.0.1');
    expect(lookupRoute(table, 'mango')).toBe('foo@127.0.0.1');
    expect(lookupRoute(table, 'nuts')).toBe('bar@127.0.0.1');
    expect(lookupRoute(table, 'zebra')).toBe('bar@127.0.0.1');
    expect(lookupRoute(table, 'Zebra')).toBeUndefined();
    expect(lookupRoute(table, '')).toBeUndefined();
  });

  it('the compiled lookup agrees with the plain one', () => {
    const lookup = compileRoutingTable(table);
    for (const name of ['apple', 'mango', 'nuts', 'zebra', 'Zebra', '1x', 'é', '😀x']) expect(lookup(name)).toBe(lookupRoute(table, name));
  });

  it('names a bad entry', () => {
    expect(() => validateRoutingTable('x')).toThrow('kv.routingTable must be an array of { from, to, node } entries, got "x"');
    expect(() => validateRoutingTable([{ from: 'ab', to: 'z', node: 'n' }])).toThrow('kv.routingTable[0].from must be a single character, got "ab"');
    expect(() => validateRoutingTable([{ from: 'z', to: 'a', node: 'n' }])).toThrow('kv.routingTable[0]: from "z" comes after to "a"');
    expect(() => validateRoutingTable([{ from: 'a', to: 'z' }])).toThrow('kv.routingTable[0].node must be a node name such as "foo@127.0.0.1", got undefined');
    expect(() => validateRoutingTable([{ from: 'a', to: 'z' }])).toThrow(expect.objectContaining({ code: 'KV_BAD_ROUTING_TABLE' }));
  });
});
