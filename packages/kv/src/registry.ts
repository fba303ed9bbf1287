/**
 * Bucket name → bucket. Creating is idempotent; a bucket that goes away is forgotten (the guide's
 * KV.Registry). Its buckets share one MemoryBudget (kv.maxMemoryBytes): a bucket costs its name and a
 * fixed overhead, given back when it goes away.
 */
import { Bucket } from './bucket.js';
import { BUCKET_OVERHEAD_BYTES, MemoryBudget } from './memory-budget.js';

export class Registry {
  private readonly buckets = new Map<string, Bucket>();
  readonly memory: MemoryBudget;

  constructor(options: { readonly maxMemoryBytes?: number | undefined } = {}) {
    this.memory = new MemoryBudget(options.maxMemoryBytes);
  }

  /** Returns the bucket named `name`, creating it when absent; undefined when a new one would not fit kv.maxMemoryBytes. */
  create(name: string): Bucket | undefined {
    const existing = this.buckets.get(name);
    if (existing) return existing;
    const cost = BUCKET_OVERHEAD_BYTES + name.length;
    if (!this.memory.fits(cost)) return undefined;
    const bucket = new Bucket(name, this.memory);
    this.buckets.set(name, bucket);
    this.memory.add(cost);
    bucket.onGone(() => {
      this.memory.add(-cost);
      if (this.buckets.get(name) === bucket) this.buckets.delete(name);
    });
    return bucket;
  }

  lookup(name: string): Bucket | undefined {
    return this.buckets.get(name);
  }

  names(): string[] {
    return [...this.buckets.keys()];
  }

  get size(): number {
    return this.buckets.size;
  }

  /** Keys and bytes held across every bucket (read on demand: status, metrics). */
  totals(): { keys: number; bytes: number } {
    let keys = 0;
    let bytes = 0;
    for (const bucket of this.buckets.values()) {
      keys += bucket.size;
      bytes += bucket.bytes;
    }
    return { keys, bytes };
  }

  /** Stops every bucket (the application is stopping). */
  clear(): void {
    for (const bucket of [...this.buckets.values()]) bucket.stop();
  }
}
