/**
 * Sends each operation to the node that owns its bucket (the guide's KV.Router). Local work is done
 * in place and synchronously; another node's goes through context.forward (application.ts batches it
 * per node and event-loop turn, forward-batcher.ts). The nodes already seen travel with the request,
 * so opposite tables on two nodes end in a routing error, not a loop.
 */
import { applyLocal, type KvOperation, type KvResult } from './operation.js';
import type { Registry } from './registry.js';
import { compileRoutingTable } from './routing-table.js';
import { describeForwardFailure } from './forward-failure.js';
import type { OperationCounter } from './operation-counter.js';

export interface RouterContext {
  self(): string;
  /** The current kv.routingTable, as configured (validated when first used). */
  table(): unknown;
  registry: Registry;
  /** Has `node` route the operation with `seen`; rejects with an error naming the node when it cannot. */
  forward(node: string, operation: KvOperation, seen: readonly string[]): Promise<KvResult>;
  /** Counts each routed operation, local or forwarded (status, top, metrics). */
  readonly operations?: OperationCounter;
}

export function routeOperation(context: RouterContext, operation: KvOperation, seen: readonly string[] = []): KvResult | Promise<KvResult> {
  let lookup: (bucket: string) => string | undefined;
  try {
    lookup = compileRoutingTable(context.table());
  } catch (error) {
    return { status: 'error', code: 'KV_BAD_ROUTING_TABLE', reason: error instanceof Error ? error.message : String(error) };
  }
  const owner = lookup(operation.bucket);
  if (owner === undefined) return { status: 'error', code: 'KV_NO_ROUTE', reason: `no route for bucket ${JSON.stringify(operation.bucket)}` };
  const self = context.self();
  context.operations?.count(operation.op, owner === self);
  if (owner === self) return applyLocal(context.registry, operation);
  if (seen.includes(owner)) {
    // ASCII arrows: replies go out byte for byte (latin1), and "→" is not one byte.
    return { status: 'error', code: 'KV_ROUTING_CYCLE', reason: `routing cycle: ${[...seen, self, owner].join(' -> ')}` };
  }
  return context
    .forward(owner, operation, [...seen, self])
    .catch((error: unknown): KvResult => ({ status: 'error', code: 'KV_NODE_DOWN', reason: describeForwardFailure(owner, error) }));
}
