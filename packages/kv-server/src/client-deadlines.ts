/**
 * The idle and partial-line deadlines of one client, checked by the server's periodic sweep (pure;
 * the time is passed in). The hot path only sets a flag (`active`) and bumps the line reader's
 * partial-line counter: no timer per client, no clock read per chunk. A deadline is therefore
 * noticed up to one sweep interval late.
 *
 * - idle (kv-server.idleTimeoutMs, as Redis's `timeout`): nothing read from or written to the client
 *   since a sweep at least idleMs ago.
 * - line (kv-server.lineTimeoutMs): the same partial line (numbered by LineReader.partialLines) has
 *   waited for its newline since a sweep at least lineMs ago.
 */
export type Deadline = 'idle' | 'line';

export interface DeadlineLimits {
  /** 0: never. */
  readonly idleTimeoutMs: number;
  /** 0: never. */
  readonly lineTimeoutMs: number;
}

export class ClientDeadlines {
  /** Set by the connection on every chunk read and every reply written; cleared by each sweep. */
  active = false;
  private quietSince: number;
  private partialLine = 0;
  private partialSince = 0;

  constructor(
    private readonly limits: DeadlineLimits,
    now: number,
  ) {
    this.quietSince = now;
  }

  /** One sweep: `partialLine` is the number of the partial line waiting (0: none). */
  check(now: number, partialLine: number): Deadline | undefined {
    if (this.active) {
      this.active = false;
      this.quietSince = now;
    }
    if (partialLine === 0) {
      this.partialLine = 0;
    } else if (partialLine !== this.partialLine) {
      this.partialLine = partialLine;
      this.partialSince = now;
    } else if (this.limits.lineTimeoutMs > 0 && now - this.partialSince >= this.limits.lineTimeoutMs) {
      return 'line';
    }
    if (this.limits.idleTimeoutMs > 0 && now - this.quietSince >= this.limits.idleTimeoutMs) return 'idle';
    return undefined;
  }
}

/** How often the server sweeps: a quarter of the shortest deadline, between 10 ms and 1 s. */
export function sweepIntervalMs(limits: DeadlineLimits): number {
  const deadlines = [limits.idleTimeoutMs, limits.lineTimeoutMs].filter((ms) => ms > 0);
  if (deadlines.length === 0) return 1000;
  return Math.min(1000, Math.max(10, Math.floor(Math.min(...deadlines) / 4)));
}
