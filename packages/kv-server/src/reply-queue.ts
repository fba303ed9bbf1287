/**
 * The replies one client is owed while one of them is still unsettled, in request order (SPEC §7).
 * An async reply (a bucket on another node) holds the ones after it until it settles. Settlements
 * of one run (the results of one batch from another node) are handed on together, once the run is
 * done, so they go out in one write instead of one each.
 */
import { formatErrorReply } from './run-command.js';

/** Replies that may wait behind an unsettled async reply before the connection stops reading. */
export const MAX_QUEUED_REPLIES = 1024;

/** A reply waiting for the ones before it; `text` is undefined until its async result settles. */
interface Slot {
  text: string | undefined;
}

export class ReplyQueue {
  readonly #slots: Slot[] = [];
  readonly #onSettled: () => void;
  #flushScheduled = false;

  /** `onSettled` runs (in a microtask) once replies at the head may be ready to take. */
  constructor(onSettled: () => void) {
    this.#onSettled = onSettled;
  }

  get length(): number {
    return this.#slots.length;
  }

  get empty(): boolean {
    return this.#slots.length === 0;
  }

  /** As many replies wait as the connection lets wait: it stops reading. */
  get full(): boolean {
    return this.#slots.length >= MAX_QUEUED_REPLIES;
  }

  push(reply: string | Promise<string>): void {
    if (typeof reply === 'string') {
      this.#slots.push({ text: reply });
      return;
    }
    const slot: Slot = { text: undefined };
    this.#slots.push(slot);
    reply.then(
      (text) => this.#settle(slot, text),
      (error: unknown) => this.#settle(slot, formatErrorReply(error instanceof Error ? error.message : String(error))),
    );
  }

  /** The settled replies at the head, removed and joined; undefined while the head still waits. */
  takeSettled(): string | undefined {
    const slots = this.#slots;
    let out = '';
    let settled = 0;
    while (settled < slots.length && slots[settled]!.text !== undefined) out += slots[settled++]!.text;
    if (settled === 0) return undefined;
    slots.splice(0, settled);
    return out;
  }

  clear(): void {
    this.#slots.length = 0;
  }

  #settle(slot: Slot, text: string): void {
    slot.text = text;
    if (this.#flushScheduled) return;
    this.#flushScheduled = true;
    queueMicrotask(() => {
      this.#flushScheduled = false;
      this.#onSettled();
    });
  }
}
