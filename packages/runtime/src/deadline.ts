/**
 * Deadlines for work that must not hang, in one place instead of a timer race per caller. Built on
 * node:timers/promises: the timer is cancelled as soon as the work settles and, like a plain
 * setTimeout, keeps the process alive while it runs.
 */
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Settles as `work` does, unless `ms` pass first: then `signal` aborts (with the timeout error as its
 * reason, so the work can let go of what it holds) and the promise rejects with `timeoutError()`.
 * A non-finite `ms` sets no deadline.
 */
export async function withDeadline<T>(ms: number, timeoutError: () => Error, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const expired = new AbortController();
  const running = work(expired.signal);
  if (!Number.isFinite(ms)) return running;
  const settled = new AbortController();
  const deadline = sleep(ms, undefined, { signal: settled.signal }).then(() => {
    const error = timeoutError();
    expired.abort(error);
    throw error;
  });
  try {
    return await Promise.race([running, deadline]);
  } finally {
    settled.abort();
  }
}

export interface PollOptions {
  /** Stop polling once this much time has passed. */
  readonly timeoutMs: number;
  /** The first pause between two attempts. */
  readonly intervalMs: number;
  /** Pauses double after each attempt up to this (default: they stay at intervalMs). */
  readonly maxIntervalMs?: number;
}

/**
 * Calls `attempt` until it returns something other than undefined, pausing between calls; resolves
 * undefined when the next pause would end past the deadline. `attempt` is given the time left (for
 * its own waits); what it throws ends the polling.
 */
export async function pollUntil<T>(attempt: (remainingMs: number) => T | undefined | Promise<T | undefined>, options: PollOptions): Promise<T | undefined> {
  const deadline = Date.now() + options.timeoutMs;
  let interval = options.intervalMs;
  for (;;) {
    const value = await attempt(Math.max(1, deadline - Date.now()));
    if (value !== undefined) return value;
    if (Date.now() + interval > deadline) return undefined;
    await sleep(interval);
    interval = Math.min(interval * 2, options.maxIntervalMs ?? interval);
  }
}
