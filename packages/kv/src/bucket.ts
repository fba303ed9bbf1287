/** A bucket: one namespace of key/value pairs held in memory (the guide's KV.Bucket). */
export class Bucket {
  private readonly entries = new Map<string, string>();
  private goneListeners: Array<() => void> = [];
  private stopped = false;

  constructor(readonly name: string) {}

  get(key: string): string | undefined {
    return this.entries.get(key);
  }

  put(key: string, value: string): void {
    this.entries.set(key, value);
  }

  /** Deletes a key; returns its value, if it had one (the guide's Bucket.delete/2). */
  delete(key: string): string | undefined {
    const value = this.entries.get(key);
    this.entries.delete(key);
    return value;
  }

  get size(): number {
    return this.entries.size;
  }

  get isStopped(): boolean {
    return this.stopped;
  }

  /** Ends the bucket; the registry notices and forgets it. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.entries.clear();
    const listeners = this.goneListeners;
    this.goneListeners = [];
    for (const listener of listeners) listener();
  }

  onGone(listener: () => void): void {
    if (this.stopped) listener();
    else this.goneListeners.push(listener);
  }
}
