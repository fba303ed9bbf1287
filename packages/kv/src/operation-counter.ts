/**
 * Operations this node's router has handled, by command and by route (done here, or forwarded to
 * the bucket's owner): plain counters, read by `status`, `top` and the metrics endpoint on demand.
 */
import type { MeasureSample } from '@kvrel/runtime';
import type { KvOperation } from './operation.js';

type Command = KvOperation['op'];

const COMMANDS: readonly Command[] = ['create', 'get', 'put', 'delete'];
const INDEX: Readonly<Record<Command, number>> = { create: 0, get: 1, put: 2, delete: 3 };

export class OperationCounter {
  private readonly local = [0, 0, 0, 0];
  private readonly forwarded = [0, 0, 0, 0];

  count(command: Command, local: boolean): void {
    (local ? this.local : this.forwarded)[INDEX[command]]!++;
  }

  total(): number {
    let sum = 0;
    for (let i = 0; i < COMMANDS.length; i++) sum += this.local[i]! + this.forwarded[i]!;
    return sum;
  }

  /** One sample per command and route, as kv_operations_total{command, route}. */
  samples(): MeasureSample[] {
    return COMMANDS.flatMap((command, i) => [
      { labels: { command, route: 'local' }, value: this.local[i]! },
      { labels: { command, route: 'forwarded' }, value: this.forwarded[i]! },
    ]);
  }
}
