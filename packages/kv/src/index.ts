/**
 * kv: the public module, in scope as `KV` for rpc/eval/remote. Each function routes its bucket
 * to the node that owns it, so `KV.get('shopping', 'milk')` works from any node.
 */
import { routerContext } from './application.js';
import type { KvOperation, KvResult } from './operation.js';
import { routeOperation } from './router.js';

export { default as application, ROUTER_SERVICE } from './application.js';
export { Bucket } from './bucket.js';
export { Registry } from './registry.js';
export { MemoryBudget, defaultMaxMemoryBytes } from './memory-budget.js';
export { applyLocal, describeOperation, OK, NOT_FOUND, OUT_OF_MEMORY } from './operation.js';
export type { KvOperation, KvResult } from './operation.js';
export { routeOperation } from './router.js';
export type { RouterContext } from './router.js';
export { validateRoutingTable, lookupRoute } from './routing-table.js';
export type { RoutingEntry, RoutingTable } from './routing-table.js';

/** Runs an operation through the router: synchronous when this node owns the bucket. */
export function execute(operation: KvOperation, seen: readonly string[] = []): KvResult | Promise<KvResult> {
  return routeOperation(routerContext(), operation, seen);
}

async function run(operation: KvOperation): Promise<KvResult> {
  const result = await execute(operation);
  if (result.status === 'error') throw new Error(result.reason);
  if (result.status === 'not_found') throw new Error(`bucket ${JSON.stringify(operation.bucket)} does not exist`);
  return result;
}

export async function create(bucket: string): Promise<void> {
  await run({ op: 'create', bucket });
}

export async function get(bucket: string, key: string): Promise<string | undefined> {
  const result = await run({ op: 'get', bucket, key });
  return result.status === 'ok' ? result.value : undefined;
}

export async function put(bucket: string, key: string, value: string): Promise<void> {
  await run({ op: 'put', bucket, key, value });
}

async function deleteKey(bucket: string, key: string): Promise<void> {
  await run({ op: 'delete', bucket, key });
}
export { deleteKey as delete };

/** The buckets this node holds itself. */
export function buckets(): string[] {
  return routerContext().registry.names();
}

/** This node's stored data against kv.maxMemoryBytes, in bytes (estimated: keys, values, a cost per key and bucket). */
export function memory(): { usedBytes: number; maxBytes: number } {
  const { memory } = routerContext().registry;
  return { usedBytes: memory.usedBytes, maxBytes: memory.maxBytes };
}
