/**
 * kv.maxMemoryBytes: how much memory the stored data may hold, as Redis's `maxmemory` with its
 * `noeviction` policy. A write that would pass the limit is refused (`ERROR out of memory`) and
 * everything else keeps working, rather than the heap running out and the node dying with all its data.
 *
 * What is counted is an estimate kept up to date on every put, delete and bucket removal, never a
 * walk of the heap: one byte per character of keys and values (the protocol stores one character per
 * byte) plus a fixed cost per key and per bucket. The per-key cost was measured on Node 24: a Map
 * of 200,000 one-byte-string pairs costs 69 to 81 bytes a pair beyond the characters (two string
 * headers and the Map's share of its table, which doubles as it grows).
 */
import { getHeapStatistics } from 'node:v8';
import { CodedError } from '@kvrel/runtime';
import type { KvErrorCode } from './errors.js';

export const KEY_OVERHEAD_BYTES = 80;
export const BUCKET_OVERHEAD_BYTES = 512;

export class MemoryBudget {
  private held = 0;

  constructor(readonly maxBytes: number = Number.POSITIVE_INFINITY) {}

  /** Estimated bytes held by stored data. */
  get usedBytes(): number {
    return this.held;
  }

  /** Whether `delta` more bytes fit; a write that holds less or the same always does. */
  fits(delta: number): boolean {
    return delta <= 0 || this.held + delta <= this.maxBytes;
  }

  add(delta: number): void {
    this.held += delta;
  }
}

/** What one key and its value hold. */
export function entryBytes(key: string, value: string): number {
  return key.length + value.length + KEY_OVERHEAD_BYTES;
}

/**
 * The default kv.maxMemoryBytes: half of the old generation, where stored strings live. Half leaves
 * the other half for what serving needs beside the data (requests being parsed, replies, the
 * runtime's own objects) and for the garbage collector, which slows to a crawl on a nearly full heap;
 * and the count is an estimate. heap_size_limit also counts the young generation V8 reserves (three
 * semi-spaces: 192 MiB on Node 24, whatever the old generation), so when the node was started with
 * --max-old-space-size that figure is the one halved: with 96 MiB, half of heap_size_limit (288 MiB)
 * would be more than the whole old generation.
 */
export function defaultMaxMemoryBytes(heapSizeLimit = getHeapStatistics().heap_size_limit, nodeOptions = nodeFlags()): number {
  const oldSpaceMiB = maxOldSpaceMiB(nodeOptions);
  const heap = oldSpaceMiB === undefined ? heapSizeLimit : Math.min(heapSizeLimit, oldSpaceMiB * 1024 * 1024);
  return Math.floor(heap / 2);
}

/** kv.maxMemoryBytes as configured (absent: the default), or KV_BAD_MAX_MEMORY naming what it got. */
export function resolveMaxMemoryBytes(value: unknown): number {
  if (value === undefined || value === null) return defaultMaxMemoryBytes();
  const n = typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value.trim()) : value;
  if (typeof n === 'number' && Number.isSafeInteger(n) && n >= 1) return n;
  const got = value === undefined ? 'undefined' : (JSON.stringify(value) ?? String(value));
  throw new CodedError<KvErrorCode>(
    'KV_BAD_MAX_MEMORY',
    `kv.maxMemoryBytes must be a number of bytes of at least 1, got ${got}; leave it unset for half of the heap`,
  );
}

/** The last --max-old-space-size among the node's flags (the one V8 applies), in MiB. */
export function maxOldSpaceMiB(flags: readonly string[]): number | undefined {
  let found: number | undefined;
  for (let i = 0; i < flags.length; i++) {
    const flag = flags[i]!.replace(/_/g, '-');
    const match = /^--max-old-space-size(?:=(\d+))?$/.exec(flag);
    if (!match) continue;
    const value = match[1] ?? flags[i + 1];
    if (value !== undefined && /^\d+$/.test(value)) found = Number(value);
  }
  return found;
}

/** The flags Node and V8 were given, NODE_OPTIONS then the command line's, which wins (vm.args arrive through either). */
function nodeFlags(): string[] {
  return [...(process.env['NODE_OPTIONS'] ?? '').split(/\s+/).filter(Boolean), ...process.execArgv];
}
