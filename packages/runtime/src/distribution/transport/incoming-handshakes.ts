/**
 * The acceptor's side of a node's listener: every incoming socket goes through admission
 * (admission/pending-admission.ts: a few pending handshakes per address, the oldest silent one
 * making room for a newcomer), a short deadline for its first frame, then the handshake. Only an
 * authenticated peer is handed on; nothing a refused one sent is acted on.
 *
 * Refused and dropped connections are counted by kind and logged through a DropReport: the first of
 * a kind at once, with the name the peer claimed and its address, the rest as one line per interval.
 */
import type { Duplex } from 'node:stream';
import { PendingAdmission, type AdmissionLimits } from '../admission/pending-admission.js';
import type { DropReport } from '../admission/drop-report.js';
import { FramedSocket } from './framed-socket.js';
import { HANDSHAKE_TIMEOUT_MS, acceptHandshake, formatRefusal } from './handshake.js';
import { HANDSHAKE_MAX_FRAME_BYTES, HandshakeError } from '../wire/handshake-messages.js';
import type { Logger } from '../../logger/logger.js';

/** Pending handshakes per peer address and in all (the node's own rpc clients come from 127.0.0.1 too). */
export const DEFAULT_HANDSHAKE_LIMITS: AdmissionLimits = { maxPerAddress: 32, maxTotal: 512 };

export interface IncomingHandshakesOptions {
  readonly self: string;
  readonly cookie: string;
  readonly handshakeTimeoutMs?: number;
  readonly firstFrameTimeoutMs?: number;
  readonly limits?: AdmissionLimits;
  readonly logger: Logger;
  readonly report: DropReport;
  /** An authenticated peer, its socket ready for a Connection (its frames tagged and checked). */
  readonly onAuthenticated: (peer: string, hidden: boolean, framed: FramedSocket) => void;
}

export class IncomingHandshakes {
  readonly #options: IncomingHandshakesOptions;
  readonly #admission: PendingAdmission;
  readonly #limits: AdmissionLimits;
  readonly #pending = new Set<FramedSocket>();
  #stopped = false;

  constructor(options: IncomingHandshakesOptions) {
    this.#options = options;
    this.#limits = options.limits ?? DEFAULT_HANDSHAKE_LIMITS;
    this.#admission = new PendingAdmission(this.#limits);
  }

  /** Handshakes in progress. */
  get pending(): number {
    return this.#pending.size;
  }

  accept(stream: Duplex): void {
    if (this.#stopped) return void stream.destroy();
    const framed = new FramedSocket(stream, { maxFrameBytes: HANDSHAKE_MAX_FRAME_BYTES });
    const address = peerAddress(stream);
    const result = this.#admission.admit(address, (limit) => {
      this.#options.report.note(
        `pending handshakes closed to make room (${this.#describe(limit)})`,
        formatRefusal(undefined, framed.remoteAddress, `closed to make room for a newer connection: ${this.#describe(limit, address)}`),
      );
      framed.destroy();
    });
    if (!result.admitted) {
      this.#options.report.note(
        `connections refused (${this.#describe(result.limit)}, all of them new)`,
        formatRefusal(undefined, framed.remoteAddress, `${this.#describe(result.limit, address)}, all of them new`),
      );
      framed.destroy();
      return;
    }
    const { ticket } = result;
    this.#pending.add(framed);
    acceptHandshake(framed, {
      self: this.#options.self,
      cookie: this.#options.cookie,
      timeoutMs: this.#options.handshakeTimeoutMs ?? HANDSHAKE_TIMEOUT_MS,
      ...(this.#options.firstFrameTimeoutMs !== undefined && { firstFrameTimeoutMs: this.#options.firstFrameTimeoutMs }),
      onName: () => ticket.progressed(),
      admit: (name) => (name === this.#options.self ? `${JSON.stringify(name)} is the name of this node` : undefined),
    })
      .then(
        ({ peer, hidden, keys }) => {
          if (this.#stopped || framed.closed) return void framed.destroy();
          framed.authenticate(keys);
          this.#options.onAuthenticated(peer, hidden, framed);
        },
        (error: unknown) => this.#refuse(framed, error),
      )
      .finally(() => {
        ticket.release();
        this.#pending.delete(framed);
      });
  }

  /** Drops every handshake in progress; later sockets are closed unread. */
  stop(): void {
    this.#stopped = true;
    for (const framed of this.#pending) framed.destroy();
  }

  #describe(limit: 'address' | 'total', address?: string): string {
    return limit === 'address'
      ? `${this.#limits.maxPerAddress} handshakes pending from ${address ?? 'one address'}`
      : `${this.#limits.maxTotal} handshakes pending in all`;
  }

  #refuse(framed: FramedSocket, error: unknown): void {
    const failure = error instanceof HandshakeError ? error.failure : 'malformed handshake';
    const claimed = error instanceof HandshakeError ? error.claimedName : undefined;
    // A refusal or a failed challenge was answered: let that frame leave before closing.
    if (failure === 'refused' || failure === 'cookie challenge failed') framed.end();
    else framed.destroy();
    if (this.#stopped) return;
    const reason = failure === 'closed' ? 'closed during the handshake' : (error as Error).message;
    const line = formatRefusal(claimed, framed.remoteAddress, reason);
    // A peer that connects and leaves (a port check, a dial that gave up) is no attack.
    if (failure === 'closed' && claimed === undefined) return void this.#options.logger.debug(line);
    this.#options.report.note(failure === 'refused' ? 'refused names' : failure, line);
  }
}

/** The peer's IP address, an IPv4-mapped IPv6 address as plain IPv4. */
function peerAddress(stream: Duplex): string {
  const address = (stream as Duplex & { remoteAddress?: string }).remoteAddress;
  if (address === undefined) return 'unknown address';
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
}
