/** A bucket: one namespace of key/value pairs held in memory (the guide's KV.Bucket). */
import { entryBytes, KEY_OVERHEAD_BYTES, MemoryBudget } from './memory-budget.js';

export class Bucket {
  private readonly entries = new Map<string, string>();
  private heldBytes = 0;
  private goneListeners: Array<() => void> = [];
  private stopped = false;

  /** `budget`: the node's kv.maxMemoryBytes account, which every write is charged to. */
  constructor(
    readonly name: string,
    private readonly budget: MemoryBudget = new MemoryBudget(),
  ) {}

  get(key: string): string | undefined {
    return this.entries.get(key);
  }

  /** Stores the pair; false (nothing changed) when it would take the node past kv.maxMemoryBytes. */
  put(key: string, value: string): boolean {
    const previous = this.entries.get(key);
    const delta = previous === undefined ? entryBytes(key, value) : value.length - previous.length;
    if (!this.budget.fits(delta)) return false;
    this.entries.set(key, value);
    this.budget.add(delta);
    this.heldBytes += previous === undefined ? delta - KEY_OVERHEAD_BYTES : delta;
    return true;
  }

  /** Deletes a key; returns its value, if it had one (the guide's Bucket.delete/2). */
  delete(key: string): string | undefined {
    const value = this.entries.get(key);
    if (value === undefined) return undefined;
    this.entries.delete(key);
    const bytes = entryBytes(key, value);
    this.budget.add(-bytes);
    this.heldBytes -= bytes - KEY_OVERHEAD_BYTES;
    return value;
  }

  get size(): number {
    return this.entries.size;
  }

  /** Bytes of keys and values held (one per character: the protocol keeps them byte for byte). */
  get bytes(): number {
    return this.heldBytes;
  }

  get isStopped(): boolean {
    return this.stopped;
  }

  /** Ends the bucket, giving back what its keys held; the registry notices and forgets it. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.budget.add(-(this.heldBytes + this.entries.size * KEY_OVERHEAD_BYTES));
    this.entries.clear();
    this.heldBytes = 0;
    const listeners = this.goneListeners;
    this.goneListeners = [];
    for (const listener of listeners) listener();
  }

  onGone(listener: () => void): void {
    if (this.stopped) listener();
    else this.goneListeners.push(listener);
  }
}
