/** Bucket name → bucket. Creating is idempotent; a bucket that goes away is forgotten (the guide's KV.Registry). */
import { Bucket } from './bucket.js';

export class Registry {
  private readonly buckets = new Map<string, Bucket>();

  /** Returns the bucket named `name`, creating it when absent. */
  create(name: string): Bucket {
    const existing = this.buckets.get(name);
    if (existing) return existing;
    const bucket = new Bucket(name);
    this.buckets.set(name, bucket);
    bucket.onGone(() => {
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
