/**
 * kv.routingTable: `[{ from: 'a', to: 'm', node: 'foo@127.0.0.1' }]`, inclusive ranges over the
 * first character of the bucket name. Validated when read, compiled to a per-character lookup.
 */
import { CodedError } from '@kvrel/runtime';
import type { KvErrorCode } from './errors.js';

export interface RoutingEntry {
  readonly from: string;
  readonly to: string;
  readonly node: string;
}

export type RoutingTable = readonly RoutingEntry[];

/** Returns the table, or throws an error that names the bad entry and says what a good one looks like. */
export function validateRoutingTable(value: unknown): RoutingTable {
  if (!Array.isArray(value)) {
    throw badTable(`kv.routingTable must be an array of { from, to, node } entries, got ${describeValue(value)}`);
  }
  value.forEach((entry: unknown, index) => {
    const where = `kv.routingTable[${index}]`;
    if (entry === null || typeof entry !== 'object') throw badTable(`${where} must be an object { from, to, node }, got ${describeValue(entry)}`);
    const { from, to, node } = entry as Record<string, unknown>;
    for (const [field, char] of [
      ['from', from],
      ['to', to],
    ] as const) {
      if (typeof char !== 'string' || [...char].length !== 1) {
        throw badTable(`${where}.${field} must be a single character, got ${describeValue(char)}`);
      }
    }
    if ((from as string) > (to as string)) throw badTable(`${where}: from ${JSON.stringify(from)} comes after to ${JSON.stringify(to)}`);
    if (typeof node !== 'string' || node.length === 0) throw badTable(`${where}.node must be a node name such as "foo@127.0.0.1", got ${describeValue(node)}`);
  });
  return value as RoutingTable;
}

/** The node that owns `bucket`, by its first character; undefined when no entry matches. */
export function lookupRoute(table: RoutingTable, bucket: string): string | undefined {
  const first = bucket.codePointAt(0);
  if (first === undefined) return undefined;
  const char = String.fromCodePoint(first);
  for (const entry of table) if (entry.from <= char && char <= entry.to) return entry.node;
  return undefined;
}

const compiled = new WeakMap<object, (bucket: string) => string | undefined>();

/**
 * Validates a table once and returns its lookup, cached per table object: the hot path of every
 * request costs one WeakMap read. A table that is not an object is validated (and refused) each time.
 */
export function compileRoutingTable(value: unknown): (bucket: string) => string | undefined {
  let lookup = value !== null && typeof value === 'object' ? compiled.get(value) : undefined;
  if (lookup) return lookup;
  const table = validateRoutingTable(value);
  const byCode: (string | undefined)[] = [];
  for (let code = 0; code < 256; code++) byCode.push(lookupRoute(table, String.fromCharCode(code)));
  lookup = (bucket) => {
    const code = bucket.charCodeAt(0);
    return code < 256 ? byCode[code] : lookupRoute(table, bucket);
  };
  compiled.set(table, lookup);
  return lookup;
}

function describeValue(value: unknown): string {
  return value === undefined ? 'undefined' : (JSON.stringify(value) ?? String(value));
}

function badTable(message: string): CodedError<KvErrorCode> {
  return new CodedError('KV_BAD_ROUTING_TABLE', message);
}
