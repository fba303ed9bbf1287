/**
 * How one client connection closes, in one state: open → draining (no more commands are run; the
 * replies owed go out) → ended (the output is ended) → closed (the socket closed, or the client was
 * evicted). Only `transition` changes it, and it owns the linger timer: leaving `open` starts it, and
 * when it fires the socket is destroyed, whatever the client does.
 */
import type { Duplex } from 'node:stream';

/**
 * What follows the end of the output: wait for the client to leave (`linger`, so it reads the last
 * reply while the input it still sends is thrown away), or destroy the socket once the output is
 * flushed (`destroy`, the server's close()). Once asked for, `destroy` is kept.
 */
export type AfterEnd = 'linger' | 'destroy';

type State =
  | { readonly phase: 'open' }
  | { readonly phase: 'draining' | 'ended'; readonly afterEnd: AfterEnd; readonly linger: NodeJS.Timeout }
  | { readonly phase: 'closed' };

export type Phase = State['phase'];

export class ConnectionClosing {
  #state: State = { phase: 'open' };
  readonly #socket: Duplex;
  readonly #lingerMs: number;

  constructor(socket: Duplex, lingerMs: number) {
    this.#socket = socket;
    this.#lingerMs = lingerMs;
  }

  get phase(): Phase {
    return this.#state.phase;
  }

  /** The socket goes once the output is flushed (close() was called). */
  get destroying(): boolean {
    const state = this.#state;
    return state.phase !== 'open' && state.phase !== 'closed' && state.afterEnd === 'destroy';
  }

  /** No more commands; `flushed`: no replies are owed, so the output ends now. Ended already: only `afterEnd` may change. */
  drain(afterEnd: AfterEnd, flushed: boolean): void {
    const phase = this.#state.phase;
    if (phase === 'closed') return;
    this.#transition(phase === 'ended' ? 'ended' : 'draining', afterEnd);
    if (flushed) this.flushed();
  }

  /** The replies owed have gone out: a draining connection ends its output. */
  flushed(): void {
    if (this.#state.phase === 'draining') this.#transition('ended');
  }

  /** The socket closed (or is being destroyed): stops the linger timer. */
  closed(): void {
    this.#transition('closed');
  }

  #transition(phase: 'draining' | 'ended' | 'closed', asked: AfterEnd = 'linger'): void {
    const from = this.#state;
    if (from.phase === 'closed') return;
    if (phase === 'closed') {
      if (from.phase !== 'open') clearTimeout(from.linger);
      this.#state = { phase };
      return;
    }
    const socket = this.#socket;
    const linger = from.phase === 'open' ? setTimeout(() => socket.destroy(), this.#lingerMs).unref() : from.linger;
    const destroyingAlready = from.phase === 'ended' && from.afterEnd === 'destroy';
    const afterEnd = from.phase !== 'open' && from.afterEnd === 'destroy' ? 'destroy' : asked;
    this.#state = { phase, afterEnd, linger };
    if (phase !== 'ended') return;
    if (from.phase !== 'ended') socket.end();
    if (afterEnd === 'destroy' && !destroyingAlready) {
      if (socket.writableFinished) socket.destroy();
      else socket.once('finish', () => socket.destroy());
    }
  }
}
