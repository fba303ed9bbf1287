/**
 * Backpressure on one client's replies. Once its unread replies (the socket's writableLength) pass
 * `pauseAtBytes`, the connection stops reading from it; it reads again on 'drain'. A client whose
 * unread replies still grow past `dropAtBytes` (async replies landing while paused) is dropped.
 * The effective pause bound is at least the socket's writableHighWaterMark, since 'drain' only
 * comes after a write the socket refused.
 */
import type { Duplex } from 'node:stream';

export interface BackpressureLimits {
  readonly pauseAtBytes: number;
  readonly dropAtBytes: number;
}

export class Backpressure {
  paused = false;

  constructor(
    private readonly socket: Duplex,
    private readonly limits: BackpressureLimits,
    private readonly onResume: () => void,
  ) {
    socket.on('drain', this.onDrain);
  }

  /** Reply bytes the connection may still produce before it must stop (may be negative). */
  room(): number {
    return this.limits.pauseAtBytes - this.socket.writableLength;
  }

  /** After a write: pauses reading, or destroys an over-limit client. False when the client was dropped. */
  check(): boolean {
    const unread = this.socket.writableLength;
    if (unread > this.limits.dropAtBytes) {
      this.socket.destroy(new Error(`client dropped: ${unread} bytes of unread replies (limit ${this.limits.dropAtBytes})`));
      return false;
    }
    if (!this.paused && unread > this.limits.pauseAtBytes && this.socket.writableNeedDrain) {
      this.paused = true;
      this.socket.pause();
    }
    return true;
  }

  private readonly onDrain = (): void => {
    if (!this.paused) return;
    this.paused = false;
    this.onResume();
  };
}
