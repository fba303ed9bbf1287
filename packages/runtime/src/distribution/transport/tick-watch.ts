/**
 * The failure detector of one link, as Erlang's net_ticktime: every netTicktime/4 it checks whether
 * anything arrived from the peer since the last check; when nothing did, it asks the peer for a tick
 * (the peer answers at once, whatever its own setting). Four silent checks in a row, that is
 * netTicktime (up to 1.25 × netTicktime) without a byte from the peer, and the peer is declared down.
 *
 * Checks are counted, not clocked: when this process's own event loop was blocked for a while, the
 * missed checks collapse into one, so a node that was busy itself does not declare its peers down.
 */

const CHECKS_PER_TICKTIME = 4;

export interface TickWatchOptions {
  readonly netTicktimeMs: number;
  /** Bytes received from the peer so far (any traffic counts as a sign of life). */
  readonly bytesReceived: () => number;
  /** Asks the peer for an answer. */
  readonly sendTick: () => void;
  /** The peer was silent for netTicktime. */
  readonly onSilent: () => void;
}

export class TickWatch {
  readonly #options: TickWatchOptions;
  readonly #timer: NodeJS.Timeout;
  #lastBytes: number;
  #silentChecks = 0;

  constructor(options: TickWatchOptions) {
    this.#options = options;
    this.#lastBytes = options.bytesReceived();
    this.#timer = setInterval(() => this.#check(), Math.max(1, Math.round(options.netTicktimeMs / CHECKS_PER_TICKTIME)));
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
  }

  #check(): void {
    const bytes = this.#options.bytesReceived();
    if (bytes !== this.#lastBytes) {
      this.#lastBytes = bytes;
      this.#silentChecks = 0;
      return;
    }
    this.#silentChecks++;
    if (this.#silentChecks >= CHECKS_PER_TICKTIME) {
      this.stop();
      this.#options.onSilent();
      return;
    }
    this.#options.sendTick();
  }
}
