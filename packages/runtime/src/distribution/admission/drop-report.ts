/**
 * Counts refused and dropped connections and logs them without flooding the log: the first of each
 * kind in an interval is logged as it happens (with its address), the others of that kind are only
 * counted and summed up in one line when the interval ends:
 *
 *   refused connection from an unnamed peer (127.0.0.1:50112): it sent no name within 1000 ms
 *   ... 1,998 more in the last 10 s: it sent no name within 1000 ms
 *
 * Totals per kind stay readable (totals()) for status and tests.
 */
import type { Logger } from '../../logger/logger.js';

export const DROP_REPORT_INTERVAL_MS = 10_000;

export class DropReport {
  readonly #log: Logger;
  readonly #intervalMs: number;
  readonly #totals = new Map<string, number>();
  /** kind → how many were left unlogged in its current interval. */
  readonly #windows = new Map<string, { unlogged: number; timer: NodeJS.Timeout }>();

  constructor(log: Logger, intervalMs = DROP_REPORT_INTERVAL_MS) {
    this.#log = log;
    this.#intervalMs = intervalMs;
  }

  /** Counts one connection of `kind`; logs `line` unless this kind was already logged in this interval. */
  note(kind: string, line: string): void {
    this.#totals.set(kind, (this.#totals.get(kind) ?? 0) + 1);
    const window = this.#windows.get(kind);
    if (window) {
      window.unlogged++;
      return;
    }
    this.#log.warning(line);
    const timer = setTimeout(() => this.#close(kind), this.#intervalMs);
    timer.unref();
    this.#windows.set(kind, { unlogged: 0, timer });
  }

  /** Every connection counted so far, by kind. */
  totals(): ReadonlyMap<string, number> {
    return new Map(this.#totals);
  }

  /** Logs what is still unlogged and stops the timers (the node is stopping). */
  flush(): void {
    for (const kind of [...this.#windows.keys()]) this.#close(kind);
  }

  #close(kind: string): void {
    const window = this.#windows.get(kind);
    if (!window) return;
    clearTimeout(window.timer);
    this.#windows.delete(kind);
    if (window.unlogged > 0) {
      this.#log.warning(`... ${window.unlogged.toLocaleString('en-US')} more in the last ${formatSeconds(this.#intervalMs)}: ${kind}`);
    }
  }
}

function formatSeconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(1))} s`;
}
