/**
 * Counts refused and dropped connections by kind, and logs them without flooding the log: each line
 * goes through the logger's rate limit keyed by its kind (logger.ts `limited`), so the first of a
 * kind is logged as it happens, with its address, and the rest of the window come back as one
 * `suppressed N more "<kind>" lines` line. Totals per kind stay readable (totals()) for tests and
 * status.
 */
import type { Logger, ScopedLogger } from '../../logger/logger.js';

export class DropReport {
  readonly #log: Logger & Partial<Pick<ScopedLogger, 'limited'>>;
  readonly #totals = new Map<string, number>();

  constructor(log: Logger) {
    this.#log = log;
  }

  /** Counts one connection of `kind` and logs `line`, rate-limited per kind. */
  note(kind: string, line: string): void {
    this.#totals.set(kind, (this.#totals.get(kind) ?? 0) + 1);
    // A logger without a rate limit of its own (a test's recorder) gets every line.
    if (this.#log.limited) this.#log.limited('warning', kind, line);
    else this.#log.warning(line);
  }

  /** Every connection counted so far, by kind. */
  totals(): ReadonlyMap<string, number> {
    return new Map(this.#totals);
  }
}
