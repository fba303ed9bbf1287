/** kv's figures for `status`, `top` and the metrics endpoint: operations by command, buckets, keys, bytes. */
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
  ];
  return () => {
    for (const remove of unregister) remove();
  };
}
