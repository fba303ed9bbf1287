/**
 * The distributed Transport behind Node.*: this node's links to the others.
 *
 * - Connections open on first use (dial-node.ts) and are dropped when they close; the next use
 *   dials again, so a node that comes back is reached again.
 * - One link per peer and direction. When both nodes dial each other at once, each ends up with
 *   an outgoing and an incoming link, both authenticated and both usable; calls take the newest.
 * - Incoming sockets are admitted only through incoming-handshakes.ts (per-address admission, a
 *   first-frame deadline, the acceptor's handshake); refusals are counted and logged, rate-limited.
 * - A visible peer's first link logs `nodeup <name>`, the loss of its last one `nodedown <name>`.
 *   A peer declared down by the failure detector (or that did not finish a dial in time) hangs
 *   rather than being gone: calls to it fail at once while one dial at a time tries it again in
 *   the background, until a link is up again.
 * - Hidden peers (rpc/remote clients) are served but not listed by list().
 */
import type { Duplex } from 'node:stream';
import type { DistTls } from '../dist-tls.js';
import { DropReport } from '../admission/drop-report.js';
import { dialNode } from './dial-node.js';
import type { DistributionSettings } from './distribution-settings.js';
import { DistributionError, peerHangs } from '../errors.js';
import { IncomingHandshakes } from './incoming-handshakes.js';
import { NodeConnection } from './node-connection.js';
import { splitNodeName } from '../node-name.js';
import type { Transport } from '../node.js';
import { withDeadline } from '../../deadline.js';
import type { Logger } from '../../logger/logger.js';

const PING_TIMEOUT_MS = 5000;

export interface DistributionTransportOptions {
  /** This node's full name, `name@host`. */
  readonly self: string;
  readonly cookie: string;
  /** Where peers' port mappers listen (KVREL_PORT_MAPPER_PORT). */
  readonly portMapperPort: number;
  /** This node's pinned port (KVREL_DIST_PORT), also tried for peers on other hosts whose mapper has no entry. */
  readonly pinnedPort?: number | undefined;
  /** The port this node listens on, for tools and tests. */
  readonly listenPort?: number;
  /** RELEASE_DIST_TLS: every link over TLS; plain peers are refused. */
  readonly tls?: DistTls | undefined;
  /** Resolved once by startDistribution; every link gets them whole. */
  readonly settings: DistributionSettings;
}

type Direction = 'in' | 'out';

export class DistributionTransport implements Transport {
  readonly #options: DistributionTransportOptions;
  readonly #settings: DistributionSettings;
  readonly #log: Logger;
  readonly #links = new Map<string, { connection: NodeConnection; direction: Direction }[]>();
  readonly #dialing = new Map<string, Promise<NodeConnection>>();
  /** Peers that hang (declared down, or a dial that timed out) → why; calls to them fail at once. */
  readonly #down = new Map<string, string>();
  readonly #incoming: IncomingHandshakes;
  readonly #report: DropReport;
  readonly #onStop: (() => void | Promise<void>)[] = [];
  #stopped = false;

  constructor(options: DistributionTransportOptions) {
    this.#options = options;
    this.#settings = options.settings;
    this.#log = options.settings.logger;
    this.#report = new DropReport(this.#log);
    this.#incoming = new IncomingHandshakes({
      self: options.self,
      cookie: options.cookie,
      tls: options.tls,
      settings: this.#settings,
      report: this.#report,
      onAuthenticated: (peer, hidden, framed) => {
        framed.maxFrameBytes = this.#settings.maxFrameBytes;
        this.#add(new NodeConnection({ peer, hidden, socket: framed, settings: this.#settings }), 'in');
      },
    });
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

  /** Refused and dropped incoming connections so far, by kind. */
  refusedConnections(): ReadonlyMap<string, number> {
    return this.#report.totals();
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
    if (node === this.self()) return this.#settings.invoke(service, fn, args);
    const started = Date.now();
    const connection = await this.#connection(node, timeoutMs);
    return connection.call(service, fn, args, Math.max(1, timeoutMs - (Date.now() - started)), timeoutMs);
  }

  /** Takes an incoming socket through admission and the acceptor's handshake. */
  accept(stream: Duplex): void {
    if (this.#stopped) return void stream.destroy();
    this.#incoming.accept(stream);
  }

  /** Runs `action` when the transport stops (closing the listener, ending the registration). */
  onStop(action: () => void | Promise<void>): void {
    this.#onStop.push(action);
  }

  /** Closes every connection (their pending calls fail) and runs the stop actions. */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#incoming.stop();
    for (const links of [...this.#links.values()]) for (const { connection } of links) connection.close();
    this.#links.clear();
    await Promise.all(this.#onStop.map(async (action) => action()));
  }

  #connection(node: string, timeoutMs: number): Promise<NodeConnection> {
    if (this.#stopped) return Promise.reject(new DistributionError({ code: 'DIST_NOT_STARTED', node, state: 'stopped' }));
    const links = this.#links.get(node);
    const open = links?.filter((link) => !link.connection.closed).at(-1);
    if (open) return Promise.resolve(open.connection);
    const dialing = this.#dialing.get(node) ?? this.#dial(node);
    const down = this.#down.get(node);
    if (down !== undefined) {
      // It hangs: waiting for the dial would cost every caller its whole timeout.
      return Promise.reject(new DistributionError({ code: 'DIST_NODE_DOWN', node, reason: `${down}; trying to reconnect in the background` }));
    }
    return withDeadline(
      timeoutMs,
      () => new DistributionError({ code: 'DIST_NODE_DOWN', node, reason: `not connected within ${timeoutMs} ms` }),
      () => dialing,
    );
  }

  #dial(node: string): Promise<NodeConnection> {
    const differentHost = splitNodeName(node).host !== splitNodeName(this.self()).host;
    const dialing = dialNode(node, {
      self: this.self(),
      cookie: this.#options.cookie,
      portMapperPort: this.#options.portMapperPort,
      // Nodes pinned to one port (firewalled hosts) share it across hosts; on this host it is ours.
      fallbackPort: differentHost ? this.#options.pinnedPort : undefined,
      tls: this.#options.tls,
      settings: this.#settings,
    })
      .then(
        (connection) => {
          if (this.#stopped) {
            connection.close();
            throw new DistributionError({ code: 'DIST_NOT_STARTED', node, state: 'stopped' });
          }
          this.#add(connection, 'out');
          return connection;
        },
        (error: unknown) => {
          // A node that accepts the connection but never finishes the handshake hangs (stopped, overloaded).
          if (peerHangs(error)) this.#down.set(node, (error as Error).message);
          else this.#down.delete(node);
          throw error;
        },
      )
      .finally(() => this.#dialing.delete(node));
    dialing.catch(() => {}); // callers that gave up already do not make it unhandled
    this.#dialing.set(node, dialing);
    return dialing;
  }

  /** Keeps one link per peer and direction: a newer one replaces a stale one. */
  #add(connection: NodeConnection, direction: Direction): void {
    const links = this.#links.get(connection.peer) ?? [];
    const wasUp = links.some((link) => !link.connection.hidden && !link.connection.closed);
    for (const link of links.filter((l) => l.direction === direction)) link.connection.close();
    const kept = links.filter((l) => l.direction !== direction && !l.connection.closed);
    kept.push({ connection, direction });
    this.#links.set(connection.peer, kept);
    this.#down.delete(connection.peer);
    this.#log.debug(`connected to node ${JSON.stringify(connection.peer)} (${direction === 'in' ? 'incoming' : 'outgoing'})`);
    if (!connection.hidden && !wasUp) this.#log.info(`nodeup ${connection.peer}`);
    connection.onClose(() => this.#closed(connection));
  }

  #closed(connection: NodeConnection): void {
    const current = this.#links.get(connection.peer);
    if (!current) return;
    const rest = current.filter((link) => link.connection !== connection);
    if (rest.length === 0) this.#links.delete(connection.peer);
    else this.#links.set(connection.peer, rest);
    const reason = connection.closeReason ?? 'the connection closed';
    this.#log.debug(`node ${JSON.stringify(connection.peer)} disconnected (${reason})`);
    if (connection.hidden || this.#stopped) return; // hidden clients are never dialled
    if (connection.declaredDown) this.#down.set(connection.peer, reason);
    if (rest.some((link) => !link.connection.hidden && !link.connection.closed)) return;
    // Logged before the pending calls' callers hear of it.
    this.#log.warning(`nodedown ${connection.peer}: ${reason}`);
  }
}
