/**
 * The distributed Transport behind Node.*: this node's links to the others.
 *
 * - Connections open on first use (dial-node.ts) and are dropped when they close; the next use
 *   dials again, so a node that comes back is reached again.
 * - One link per peer and direction. When both nodes dial each other at once, each ends up with
 *   an outgoing and an incoming link, both authenticated and both usable; calls take the newest.
 * - Incoming sockets are admitted only through the acceptor's handshake; a refused one is logged
 *   with the name it claimed and its address, and nothing it sent is acted on.
 * - Hidden peers (rpc/remote clients) are served but not listed by list().
 */
import type { Duplex } from 'node:stream';
import { Connection, type Invoke } from './connection.js';
import { dialNode } from './dial-node.js';
import { DistributionError } from '../errors.js';
import { DEFAULT_MAX_FRAME_BYTES } from '../wire/frame.js';
import { FramedSocket } from './framed-socket.js';
import { HANDSHAKE_TIMEOUT_MS, acceptHandshake, formatRefusal } from './handshake.js';
import { HANDSHAKE_MAX_FRAME_BYTES, HandshakeError } from '../wire/handshake-messages.js';
import type { Transport } from '../node.js';
import { invokeLocal } from '../services.js';
import { withDeadline } from '../../deadline.js';
import { createLogger, type Logger } from '../../logger/logger.js';

/** Handshakes in progress at once; more incoming sockets are dropped unread. */
export const MAX_PENDING_HANDSHAKES = 128;
const PING_TIMEOUT_MS = 5000;

export interface DistributionTransportOptions {
  /** This node's full name, `name@host`. */
  readonly self: string;
  readonly cookie: string;
  /** Where peers' port mappers listen (KVREL_PORT_MAPPER_PORT). */
  readonly portMapperPort: number;
  /** This node's pinned port (KVREL_DIST_PORT), also tried for peers whose mapper has no entry. */
  readonly pinnedPort?: number | undefined;
  /** The port this node listens on, for tools and tests. */
  readonly listenPort?: number;
  readonly maxFrameBytes?: number;
  readonly handshakeTimeoutMs?: number;
  readonly invoke?: Invoke;
  readonly logger?: Logger;
}

type Direction = 'in' | 'out';

export class DistributionTransport implements Transport {
  readonly #options: DistributionTransportOptions;
  readonly #log: Logger;
  readonly #invoke: Invoke;
  readonly #links = new Map<string, { connection: Connection; direction: Direction }[]>();
  readonly #dialing = new Map<string, Promise<Connection>>();
  readonly #handshaking = new Set<FramedSocket>();
  readonly #onStop: (() => void | Promise<void>)[] = [];
  #stopped = false;

  constructor(options: DistributionTransportOptions) {
    this.#options = options;
    this.#log = options.logger ?? createLogger('distribution');
    this.#invoke = options.invoke ?? invokeLocal;
  }

  self(): string {
    return this.#options.self;
  }

  /** The distribution port this node listens on. */
  get port(): number | undefined {
    return this.#options.listenPort;
  }

  /** Connected visible nodes (hidden rpc/remote clients are left out). */
  list(): string[] {
    const names: string[] = [];
    for (const [peer, links] of this.#links) if (links.some((link) => !link.connection.hidden)) names.push(peer);
    return names.sort();
  }

  async ping(name: string): Promise<'pong' | 'pang'> {
    if (name === this.self()) return 'pong';
    try {
      const connection = await this.#connection(name, PING_TIMEOUT_MS);
      await connection.ping(PING_TIMEOUT_MS);
      return 'pong';
    } catch {
      return 'pang';
    }
  }

  async connect(name: string): Promise<boolean> {
    return (await this.ping(name)) === 'pong';
  }

  async call(node: string, service: string, fn: string, args: readonly unknown[], timeoutMs: number): Promise<unknown> {
    if (node === this.self()) return this.#invoke(service, fn, args);
    const started = Date.now();
    const connection = await this.#connection(node, timeoutMs);
    return connection.call(service, fn, args, Math.max(1, timeoutMs - (Date.now() - started)), timeoutMs);
  }

  /** Takes an incoming socket through the acceptor's handshake. */
  accept(stream: Duplex): void {
    if (this.#stopped || this.#handshaking.size >= MAX_PENDING_HANDSHAKES) {
      stream.destroy();
      return;
    }
    const framed = new FramedSocket(stream, { maxFrameBytes: HANDSHAKE_MAX_FRAME_BYTES });
    this.#handshaking.add(framed);
    acceptHandshake(framed, {
      self: this.self(),
      cookie: this.#options.cookie,
      timeoutMs: this.#options.handshakeTimeoutMs ?? HANDSHAKE_TIMEOUT_MS,
      admit: (name) => (name === this.self() ? `${JSON.stringify(name)} is the name of this node` : undefined),
    })
      .then(
        ({ peer, hidden }) => {
          if (this.#stopped || framed.closed) return void framed.destroy();
          framed.maxFrameBytes = this.#options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
          this.#add(this.#newConnection(peer, hidden, framed), 'in');
        },
        (error: unknown) => this.#refuse(framed, error),
      )
      .finally(() => this.#handshaking.delete(framed));
  }

  /** Runs `action` when the transport stops (closing the listener, ending the registration). */
  onStop(action: () => void | Promise<void>): void {
    this.#onStop.push(action);
  }

  /** Closes every connection (their pending calls fail) and runs the stop actions. */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    for (const framed of this.#handshaking) framed.destroy();
    for (const links of [...this.#links.values()]) for (const { connection } of links) connection.close();
    this.#links.clear();
    await Promise.all(this.#onStop.map(async (action) => action()));
  }

  #connection(node: string, timeoutMs: number): Promise<Connection> {
    if (this.#stopped) return Promise.reject(new DistributionError({ code: 'DIST_NOT_STARTED', node, state: 'stopped' }));
    const links = this.#links.get(node);
    const open = links?.filter((link) => !link.connection.closed).at(-1);
    if (open) return Promise.resolve(open.connection);
    let dialing = this.#dialing.get(node);
    if (!dialing) {
      dialing = dialNode(node, {
        self: this.self(),
        cookie: this.#options.cookie,
        portMapperPort: this.#options.portMapperPort,
        fallbackPort: this.#options.pinnedPort,
        timeoutMs: this.#options.handshakeTimeoutMs ?? HANDSHAKE_TIMEOUT_MS,
        maxFrameBytes: this.#options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES,
        invoke: this.#invoke,
        logger: this.#log,
      })
        .then((connection) => {
          if (this.#stopped) {
            connection.close();
            throw new DistributionError({ code: 'DIST_NOT_STARTED', node, state: 'stopped' });
          }
          this.#add(connection, 'out');
          return connection;
        })
        .finally(() => this.#dialing.delete(node));
      this.#dialing.set(node, dialing);
    }
    const connecting = dialing;
    return withDeadline(timeoutMs, () => new DistributionError({ code: 'DIST_NODE_DOWN', node, reason: `not connected within ${timeoutMs} ms` }), () => connecting);
  }

  #newConnection(peer: string, hidden: boolean, framed: FramedSocket): Connection {
    return new Connection({ peer, hidden, socket: framed, invoke: this.#invoke, logger: this.#log });
  }

  /** Keeps one link per peer and direction: a newer one replaces a stale one. */
  #add(connection: Connection, direction: Direction): void {
    const links = this.#links.get(connection.peer) ?? [];
    for (const link of links.filter((l) => l.direction === direction)) link.connection.close();
    const kept = links.filter((l) => l.direction !== direction && !l.connection.closed);
    kept.push({ connection, direction });
    this.#links.set(connection.peer, kept);
    this.#log.debug(`connected to node ${JSON.stringify(connection.peer)} (${direction === 'in' ? 'incoming' : 'outgoing'})`);
    connection.onClose(() => {
      const current = this.#links.get(connection.peer);
      if (!current) return;
      const rest = current.filter((link) => link.connection !== connection);
      if (rest.length === 0) this.#links.delete(connection.peer);
      else this.#links.set(connection.peer, rest);
      this.#log.debug(`node ${JSON.stringify(connection.peer)} disconnected`);
    });
  }

  #refuse(framed: FramedSocket, error: unknown): void {
    const failure = error instanceof HandshakeError ? error.failure : 'malformed handshake';
    const claimed = error instanceof HandshakeError ? error.claimedName : undefined;
    // A refusal or a failed challenge was answered: let that frame leave before closing.
    if (failure === 'refused' || failure === 'cookie challenge failed') framed.end();
    else framed.destroy();
    if (this.#stopped) return;
    const reason = failure === 'refused' ? (error as Error).message : failure === 'closed' ? 'closed during the handshake' : failure;
    const line = formatRefusal(claimed, framed.remoteAddress, reason);
    if (failure === 'closed' && claimed === undefined) this.#log.debug(line);
    else this.#log.warning(line);
  }
}
