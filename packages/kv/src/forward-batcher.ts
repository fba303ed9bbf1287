/**
 * Batches the operations this node forwards to other nodes: those sent to the same node with the
 * same seen-nodes list during one turn of the event loop travel as one call (routeBatch) and come
 * back as one array of results. Pipelined clients then cost one distribution message per node per
 * turn instead of one per command; each operation still gets its own result, in order.
 */
import type { KvOperation, KvResult } from './operation.js';

export type SendBatch = (node: string, operations: readonly KvOperation[], seen: readonly string[]) => Promise<readonly KvResult[]>;

interface Batch {
  readonly node: string;
  readonly seen: readonly string[];
  readonly operations: KvOperation[];
  readonly waiting: Array<{ resolve: (result: KvResult) => void; reject: (error: unknown) => void }>;
}

export class ForwardBatcher {
  private batches = new Map<string, Batch>();
  private scheduled = false;

  constructor(private readonly send: SendBatch) {}

  forward(node: string, operation: KvOperation, seen: readonly string[]): Promise<KvResult> {
    const key = seen.length === 1 ? `${node}\n${seen[0]}` : `${node}\n${seen.join('\n')}`;
    let batch = this.batches.get(key);
    if (!batch) {
      batch = { node, seen, operations: [], waiting: [] };
      this.batches.set(key, batch);
    }
    batch.operations.push(operation);
    if (!this.scheduled) {
      this.scheduled = true;
      // After this turn's I/O callbacks: every client's pipelined commands join the same batch.
      setImmediate(this.flush);
    }
    return new Promise((resolve, reject) => batch.waiting.push({ resolve, reject }));
  }

  private readonly flush = (): void => {
    this.scheduled = false;
    const batches = this.batches;
    this.batches = new Map();
    for (const batch of batches.values()) {
      this.send(batch.node, batch.operations, batch.seen).then(
        (results) => {
          for (let i = 0; i < batch.waiting.length; i++) {
            const result = results[i];
            if (result) batch.waiting[i]!.resolve(result);
            else
              batch.waiting[i]!.reject(
                new Error(`node ${JSON.stringify(batch.node)} answered ${results.length} results for ${batch.waiting.length} operations`),
              );
          }
        },
        (error: unknown) => {
          for (const waiter of batch.waiting) waiter.reject(error);
        },
      );
    }
  };
}

/** Runs a batch received from another node: each operation through the router, results in order. */
export function routeBatch(
  route: (operation: KvOperation, seen: readonly string[]) => KvResult | Promise<KvResult>,
  operations: readonly KvOperation[],
  seen: readonly string[],
): KvResult[] | Promise<KvResult[]> {
  const results: Array<KvResult | Promise<KvResult>> = [];
  let async = false;
  for (const operation of operations) {
    const result = route(operation, seen);
    if (result instanceof Promise) async = true;
    results.push(result);
  }
  return async ? Promise.all(results) : (results as KvResult[]);
}
