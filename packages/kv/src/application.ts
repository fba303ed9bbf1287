/**
 * The kv application: a registry of buckets and the router, offered to other nodes as the
 * "kv.router" service. Its environment: routingTable (default []), read on every operation;
 * maxMemoryBytes (default: half of the heap), read at start.
 */
import { Application, Node, defineApplication, exitSignal, registerService, unregisterService } from '@kvrel/runtime';
import type { KvOperation } from './operation.js';
import { Registry } from './registry.js';
import { routeOperation, type RouterContext } from './router.js';
import { ForwardBatcher, routeBatch } from './forward-batcher.js';
import { validateRoutingTable } from './routing-table.js';
import { decodeOperation, decodeResult, encodeOperation, encodeResult } from './wire-format.js';
import { OperationCounter } from './operation-counter.js';
import { registerKvMeasures } from './kv-measures.js';
import { resolveMaxMemoryBytes } from './memory-budget.js';

export const ROUTER_SERVICE = 'kv.router';

let context: RouterContext | undefined;

/** The running kv's router context, or an error naming what to do. */
export function routerContext(): RouterContext {
  if (!context) throw new Error('the kv application is not started; start it with Application.ensureAllStarted("kv")');
  return context;
}

function readTable(): unknown {
  return Application.getEnv('kv', 'routingTable', []);
}

export default defineApplication({
  name: 'kv',
  description: 'Buckets of key/value pairs in memory, routed to the node that owns them',
  env: { routingTable: [] },
  start() {
    // A table that cannot work stops the boot, naming the bad entry (KV_BAD_ROUTING_TABLE).
    validateRoutingTable(readTable());
    const registry = new Registry({ maxMemoryBytes: resolveMaxMemoryBytes(Application.getEnv('kv', 'maxMemoryBytes')) });
    const operations = new OperationCounter();
    const batcher = new ForwardBatcher(async (node, operations, seen) => {
      const results = (await Node.call(node, ROUTER_SERVICE, 'routeBatch', [operations.map(encodeOperation), seen])) as readonly unknown[];
      return results.map(decodeResult);
    });
    const current: RouterContext = {
      self: Node.self,
      table: readTable,
      registry,
      forward: (node, operation, seen) => batcher.forward(node, operation, seen),
      operations,
    };
    const unregisterMeasures = registerKvMeasures(registry, operations);
    context = current;
    const route = (operation: KvOperation, seen: readonly string[]) => routeOperation(current, operation, seen);
    registerService(ROUTER_SERVICE, {
      route,
      routeBatch: async (operations: unknown[], seen: string[]) => (await routeBatch(route, operations.map(decodeOperation), seen)).map(encodeResult),
    });
    const { exited, exit } = exitSignal();
    return {
      exited,
      async stop() {
        unregisterService(ROUTER_SERVICE);
        unregisterMeasures();
        if (context === current) context = undefined;
        registry.clear();
        exit('normal');
      },
    };
  },
});
