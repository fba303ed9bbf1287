/**
 * At most one line per key and window (pure; the clock is passed in). The first line of a key is let
 * through and opens a window of `windowMs`; the same key inside the window is only counted. When the
 * window is over, `expired` hands back the keys that were counted, for one "suppressed N" line each,
 * and forgets them: the next line of that key goes through again. So a flood costs two lines per
 * window, as journald's rate limit does.
 *
 * Keys are bounded (`maxKeys`): when the table is full of open windows, a new key is let through
 * untracked rather than growing the table.
 */
export interface Suppressed<T> {
  readonly key: string;
  readonly count: number;
  /** What the caller attached to the key's first line (its level and scope, say). */
  readonly detail: T;
}

interface Window<T> {
  readonly until: number;
  count: number;
  readonly detail: T;
}

export class RateLimiter<T = undefined> {
  private readonly windows = new Map<string, Window<T>>();

  constructor(
    readonly windowMs: number,
    private readonly maxKeys = 1024,
  ) {}

  /** True when a line with this key may be written now; false when it is counted instead. */
  admit(key: string, now: number, detail: T): boolean {
    const open = this.windows.get(key);
    if (open !== undefined && now < open.until) {
      open.count++;
      return false;
    }
    if (open !== undefined) {
      // A window that ended with lines counted is reported by expired() first; an empty one just goes.
      if (open.count > 0) {
        open.count++;
        return false;
      }
      this.windows.delete(key);
    }
    if (this.windows.size >= this.maxKeys) this.dropEmpty(now);
    if (this.windows.size < this.maxKeys) this.windows.set(key, { until: now + this.windowMs, count: 0, detail });
    return true;
  }

  /** Keys whose window is over and that counted lines; they are forgotten. Empty ended windows go too. */
  expired(now: number): Suppressed<T>[] {
    const out: Suppressed<T>[] = [];
    for (const [key, window] of this.windows) {
      if (now < window.until) continue;
      this.windows.delete(key);
      if (window.count > 0) out.push({ key, count: window.count, detail: window.detail });
    }
    return out;
  }

  /** When the next counting window ends (for a timer), or undefined when nothing is counted. */
  nextReportAt(): number | undefined {
    let next: number | undefined;
    for (const window of this.windows.values()) {
      if (window.count > 0 && (next === undefined || window.until < next)) next = window.until;
    }
    return next;
  }

  private dropEmpty(now: number): void {
    for (const [key, window] of this.windows) {
      if (now >= window.until && window.count === 0) this.windows.delete(key);
    }
  }
}
