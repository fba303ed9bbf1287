/** A bucket: one namespace of key/value pairs held in memory (the guide's KV.Bucket). */
export class Bucket {
  private readonly entries = new Map<string, string>();
  private heldBytes = 0;
  private goneListeners: Array<() => void> = [];
  private stopped = false;

  constructor(readonly name: string) {}

  get(key: string): string | undefined {
    return this.entries.get(key);
  }

  put(key: string, value: string): void {
    const previous = this.entries.get(key);
    this.entries.set(key, value);
    this.heldBytes += previous === undefined ? key.length + value.length : value.length - previous.length;
  }

  /** Deletes a key; returns its value, if it had one (the guide's Bucket.delete/2). */
  delete(key: string): string | undefined {
    const value = this.entries.get(key);
    if (value === undefined) return undefined;
    this.entries.delete(key);
    this.heldBytes -= key.length + value.length;
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

  /** Ends the bucket; the registry notices and forgets it. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
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
