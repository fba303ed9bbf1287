/** kv's figures for `status`, `top` and the metrics endpoint: operations by command, buckets, keys, bytes, memory against its limit. */
import { registerMeasure } from '@kvrel/runtime';
import type { OperationCounter } from './operation-counter.js';
import type { Registry } from './registry.js';

/** Registers kv's measures; returns what unregisters them (the application is stopping). */
export function registerKvMeasures(registry: Registry, operations: OperationCounter): () => void {
  const unregister = [
    registerMeasure({
      name: 'kv_operations_total',
      help: 'kv operations routed by this node, by command and by route (local: done here; forwarded: sent to the owner)',
      type: 'counter',
      labelNames: ['command', 'route'],
      headline: 'operations',
      read: () => operations.samples(),
    }),
    registerMeasure({ name: 'kv_buckets', help: 'Buckets held by this node', type: 'gauge', read: () => registry.size }),
    registerMeasure({ name: 'kv_keys', help: 'Keys held by this node, across its buckets', type: 'gauge', read: () => registry.totals().keys }),
    registerMeasure({ name: 'kv_bytes', help: 'Bytes of keys and values held by this node', type: 'gauge', read: () => registry.totals().bytes }),
    registerMeasure({
      name: 'kv_memory_bytes',
      help: 'Memory held by stored data, estimated: keys and values plus a fixed cost per key and per bucket',
      type: 'gauge',
      read: () => registry.memory.usedBytes,
    }),
    registerMeasure({
      name: 'kv_max_memory_bytes',
      help: 'kv.maxMemoryBytes: a write that would take kv_memory_bytes past it answers ERROR out of memory',
      type: 'gauge',
      read: () => registry.memory.maxBytes,
    }),
  ];
  return () => {
    for (const remove of unregister) remove();
  };
}
