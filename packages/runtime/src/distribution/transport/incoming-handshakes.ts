/**
 * The acceptor's side of a node's listener: every incoming socket goes through admission
 * (admission/pending-admission.ts: a few pending handshakes per address, the oldest silent one
 * making room for a newcomer), a short deadline for its first frame, then the handshake. Only an
 * authenticated peer is handed on; nothing a refused one sent is acted on. Before the handshake the
 * link is secured (link-security.ts): TLS when RELEASE_DIST_TLS is set, and a peer speaking the
 * other one (TLS to a plain node, plain to a TLS node) is refused with one line on each side.
 *
 * Refused and dropped connections are counted by kind and logged through a DropReport: the first of
 * a kind at once, with the name the peer claimed and its address, the rest as one line per interval.
 */
import type { Duplex } from 'node:stream';
import { PendingAdmission, type AdmissionLimits } from '../admission/pending-admission.js';
import type { DropReport } from '../admission/drop-report.js';
import type { DistTls } from '../dist-tls.js';
import type { DistributionSettings } from './distribution-settings.js';
import { FramedSocket, remoteAddressOf } from './framed-socket.js';
import { acceptHandshake, formatRefusal } from './handshake.js';
import { secureIncoming } from './link-security.js';
import { withDeadline } from '../../deadline.js';
import { HANDSHAKE_MAX_FRAME_BYTES, HandshakeError } from '../wire/handshake-messages.js';

/** A refused peer gets this long to read the refusal before its socket is destroyed. */
const END_GRACE_MS = 1000;

export interface IncomingHandshakesOptions {
  readonly self: string;
  readonly cookie: string;
  /** RELEASE_DIST_TLS: links run over TLS, and peers without it are refused (and the other way round). */
  readonly tls?: DistTls | undefined;
  /** handshakeTimeoutMs, firstFrameTimeoutMs, handshakeLimits and the logger. */
  readonly settings: DistributionSettings;
  readonly report: DropReport;
  /** An authenticated peer, its socket ready for a NodeConnection (its frames tagged and checked). */
  readonly onAuthenticated: (peer: string, hidden: boolean, framed: FramedSocket) => void;
}

export class IncomingHandshakes {
  readonly #options: IncomingHandshakesOptions;
  readonly #admission: PendingAdmission;
  readonly #limits: AdmissionLimits;
  /** How to close each handshake in progress. */
  readonly #pending = new Set<() => void>();
  #stopped = false;

  constructor(options: IncomingHandshakesOptions) {
    this.#options = options;
    this.#limits = options.settings.handshakeLimits;
    this.#admission = new PendingAdmission(this.#limits);
  }

  /** Handshakes in progress. */
  get pending(): number {
    return this.#pending.size;
  }

  accept(stream: Duplex): void {
    if (this.#stopped) return void stream.destroy();
    const remote = remoteAddressOf(stream);
    const address = peerAddress(stream);
    // Until the link is secured there is no FramedSocket: closing means closing the raw stream (and the TLS one on it).
    let secured: Duplex | undefined;
    const close = () => {
      secured?.destroy();
      stream.destroy();
    };
    const result = this.#admission.admit(address, (limit) => {
      this.#options.report.note(
        `pending handshakes closed to make room (${this.#describe(limit)})`,
        formatRefusal(undefined, remote, `closed to make room for a newer connection: ${this.#describe(limit, address)}`),
      );
      close();
    });
    if (!result.admitted) {
      this.#options.report.note(
        `connections refused (${this.#describe(result.limit)}, all of them new)`,
        formatRefusal(undefined, remote, `${this.#describe(result.limit, address)}, all of them new`),
      );
      close();
      return;
    }
    const { ticket } = result;
    this.#pending.add(close);
    let framed: FramedSocket | undefined;
    const { handshakeTimeoutMs: timeoutMs, firstFrameTimeoutMs } = this.#options.settings;
    // Securing the link (the TLS handshake) and the cookie handshake each get the handshake deadline.
    withDeadline(
      timeoutMs,
      () => new HandshakeError('handshake timed out', `the handshake took more than ${timeoutMs} ms`),
      () => secureIncoming(stream, this.#options.tls, firstFrameTimeoutMs),
    )
      .then((link) => {
        secured = link;
        framed = new FramedSocket(link, { maxFrameBytes: HANDSHAKE_MAX_FRAME_BYTES, remoteAddress: remote });
        if (this.#stopped) throw new HandshakeError('closed', 'the node is stopping');
        return acceptHandshake(framed, {
          self: this.#options.self,
          cookie: this.#options.cookie,
          timeoutMs,
          firstFrameTimeoutMs,
          onName: () => ticket.progressed(),
          admit: (name) => (name === this.#options.self ? `${JSON.stringify(name)} is the name of this node` : undefined),
        });
      })
      .then(
        ({ peer, hidden, keys }) => {
          if (this.#stopped || !framed || framed.closed) return void close();
          framed.authenticate(keys);
          this.#options.onAuthenticated(peer, hidden, framed);
        },
        (error: unknown) => this.#refuse(framed, close, remote, error),
      )
      .finally(() => {
        ticket.release();
        this.#pending.delete(close);
      });
  }

  /** Drops every handshake in progress; later sockets are closed unread. */
  stop(): void {
    this.#stopped = true;
    for (const close of this.#pending) close();
  }

  #describe(limit: 'address' | 'total', address?: string): string {
    return limit === 'address'
      ? `${this.#limits.maxPerAddress} handshakes pending from ${address ?? 'one address'}`
      : `${this.#limits.maxTotal} handshakes pending in all`;
  }

  #refuse(framed: FramedSocket | undefined, close: () => void, remote: string, error: unknown): void {
    const failure = error instanceof HandshakeError ? error.failure : 'malformed handshake';
    const claimed = error instanceof HandshakeError ? error.claimedName : undefined;
    // A refusal or a failed challenge was answered: let that frame leave before closing.
    const answered = failure === 'refused' || failure === 'cookie challenge failed';
    if (!answered) close();
    else if (framed) framed.end();
    else setTimeout(close, END_GRACE_MS).unref(); // secureIncoming ended the stream after its refusal
    if (this.#stopped) return;
    const reason = failure === 'closed' ? 'closed during the handshake' : (error as Error).message;
    const line = formatRefusal(claimed, remote, reason);
    // A peer that connects and leaves (a port check, a dial that gave up) is no attack.
    if (failure === 'closed' && claimed === undefined) return void this.#options.settings.logger.debug(line);
    this.#options.report.note(failure === 'refused' ? 'refused names' : failure, line);
  }
}

/** The peer's IP address, an IPv4-mapped IPv6 address as plain IPv4. */
function peerAddress(stream: Duplex): string {
  const address = (stream as Duplex & { remoteAddress?: string }).remoteAddress;
  if (address === undefined) return 'unknown address';
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
}
