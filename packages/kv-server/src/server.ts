/**
 * The listener: a net.Server on kv-server.port whose clients each get a ClientConnection. `listen`
 * rejects with the listen error (EADDRINUSE, EACCES), which the supervisor counts as a crash and
 * retries; an error after listening ends the listener's `exited` with that error.
 *
 * Limits (SPEC §10, after Redis's maxclients, timeout and client buffer limits): a client over
 * maxConnections is answered `ERROR max connections reached` and closed; one sweep timer per
 * server closes clients past their idle or partial-line deadline and recounts the node-wide buffer
 * budget (maxBufferedBytes), whose biggest holders are closed when the node passes it. Each
 * closing is logged, at most one line per reason per LOG_RATE_WINDOW_MS (then `suppressed N`).
 */
import net from 'node:net';
import { createLogger, exitSignal, System, type Child, type ChildSpec, type ExitReason } from '@kvrel/runtime';
import { BufferBudget } from './buffer-budget.js';
import { sweepIntervalMs, type DeadlineLimits } from './client-deadlines.js';
import { ClientConnection, type ConnectionLimits } from './client-connection.js';
import type { Execute } from './run-command.js';

const log = createLogger('kv-server');

export const MAX_CONNECTIONS_REPLY = 'ERROR max connections reached\r\n';
export const LINE_TIMEOUT_REPLY = 'ERROR line timeout\r\n';
/** How long a refused client may take to read its ERROR line and leave before it is destroyed. */
const REFUSED_LINGER_MS = 1000;

export interface ServerLimits extends DeadlineLimits {
  /** Clients served at once (kv-server.maxConnections). */
  readonly maxConnections: number;
  /** Bytes all clients may hold together: partial lines, unscanned input, unsent replies. */
  readonly maxBufferedBytes: number;
}

export const DEFAULT_SERVER_LIMITS: ServerLimits = {
  maxConnections: 10_000,
  lineTimeoutMs: 30_000,
  idleTimeoutMs: 0,
  maxBufferedBytes: 268_435_456,
};

export interface ServerOptions extends ConnectionLimits, Partial<ServerLimits> {
  /** 0 picks a free port (see KvServer.port). */
  readonly port: number;
  /** Undefined: every interface (Node's "::", or "0.0.0.0" without IPv6). */
  readonly host?: string | undefined;
  readonly execute: Execute;
  /** How long a closing client may take to flush and leave before it is destroyed. Default 5000. */
  readonly lingerMs?: number;
}

export class KvServer implements Child {
  readonly exited: Promise<ExitReason>;
  private readonly exit: (reason: ExitReason) => void;
  private readonly clients = new Set<ClientConnection>();
  private stopping: Promise<void> | undefined;
  private failure: Error | undefined;
  private readonly limits: ServerLimits;
  private readonly budget: BufferBudget<ClientConnection>;
  private readonly sweepTimer: NodeJS.Timeout;

  private constructor(
    private readonly server: net.Server,
    private readonly options: ServerOptions,
  ) {
    this.limits = { ...DEFAULT_SERVER_LIMITS, ...definedLimits(options) };
    this.budget = new BufferBudget(this.limits.maxBufferedBytes, () => this.clients, this.onEvict);
    this.sweepTimer = setInterval(this.sweep, sweepIntervalMs(this.limits));
    this.sweepTimer.unref();
    const signal = exitSignal();
    this.exited = signal.exited;
    this.exit = signal.exit;
    server.on('connection', this.onConnection);
    server.on('error', (error) => {
      log.error(`listener failed: ${error.message}`);
      this.failure ??= error;
      void this.stop();
    });
  }

  /** Listens on options.port; rejects with the listen error. Logs `accepting connections on port N`. */
  static listen(options: ServerOptions): Promise<KvServer> {
    const server = net.createServer({ noDelay: true, allowHalfOpen: true });
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen({ port: options.port, host: options.host }, () => {
        server.off('error', reject);
        const listener = new KvServer(server, options);
        log.info(`accepting connections on port ${listener.port}`);
        resolve(listener);
      });
    });
  }

  /** The bound port; undefined once closed. */
  get port(): number | undefined {
    const address = this.server.address();
    return address !== null && typeof address === 'object' ? address.port : undefined;
  }

  /** Clients currently connected. */
  get connectionCount(): number {
    return this.clients.size;
  }

  /** Bytes the clients hold, as last counted against maxBufferedBytes. */
  get bufferedBytes(): number {
    return this.budget.used;
  }

  /** Stops accepting, closes every client (their owed replies flushed first), resolves once all are gone. */
  stop(): Promise<void> {
    clearInterval(this.sweepTimer);
    this.stopping ??= new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      for (const client of this.clients) client.close();
    }).then(() => this.exit(this.failure ?? 'normal'));
    return this.stopping;
  }

  private readonly onConnection = (socket: net.Socket): void => {
    if (this.stopping) {
      socket.destroy();
      return;
    }
    const peer = `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`;
    if (this.clients.size >= this.limits.maxConnections) {
      refuse(socket);
      log.limited(
        'warning',
        'maxConnections',
        `refused client ${peer}: ${this.clients.size} clients connected (kv-server.maxConnections ${this.limits.maxConnections})`,
      );
      return;
    }
    // While the node is still booting (distribution coming up), accept but read nothing: if the boot
    // fails, the node exits having run and acknowledged no command.
    const pending = System.bootPending();
    if (pending) {
      socket.pause();
      void pending.then(() => socket.resume());
    }
    const client = new ClientConnection(socket, {
      execute: this.options.execute,
      maxLineBytes: this.options.maxLineBytes,
      maxPendingReplyBytes: this.options.maxPendingReplyBytes,
      dropPendingReplyBytes: this.options.dropPendingReplyBytes,
      lingerMs: this.options.lingerMs,
      onError: (error) => logClientError(peer, error),
      budget: this.budget,
      deadlines: this.limits,
      peer,
    });
    this.clients.add(client);
    void client.closed.then(() => this.clients.delete(client));
  };

  /** Every sweep interval: deadlines of each client, then the buffer budget counted afresh. */
  private readonly sweep = (): void => {
    const now = Date.now();
    for (const client of this.clients) {
      const passed = client.checkDeadlines(now);
      if (passed === 'idle') {
        client.closeForLimit();
        log.limited('warning', 'idleTimeoutMs', `closed client ${client.peer}: no traffic for ${this.limits.idleTimeoutMs} ms (kv-server.idleTimeoutMs)`);
      } else if (passed === 'line') {
        client.closeForLimit(LINE_TIMEOUT_REPLY);
        log.limited(
          'warning',
          'lineTimeoutMs',
          `closed client ${client.peer}: a partial line waited over ${this.limits.lineTimeoutMs} ms for its newline (kv-server.lineTimeoutMs)`,
        );
      }
    }
    this.budget.enforce();
  };

  private readonly onEvict = (client: ClientConnection, heldBytes: number): void => {
    log.limited(
      'warning',
      'maxBufferedBytes',
      `closed client ${client.peer}: it held ${heldBytes} bytes when the clients' buffers passed ${this.limits.maxBufferedBytes} bytes ` +
        `(kv-server.maxBufferedBytes)`,
    );
  };
}

/** Answers a client over maxConnections and closes it; its input is read and dropped meanwhile. */
function refuse(socket: net.Socket): void {
  socket.on('error', () => {});
  socket.on('end', () => socket.destroy());
  socket.resume(); // read and drop its input, so the close is not a reset that loses the ERROR line
  socket.end(MAX_CONNECTIONS_REPLY);
  setTimeout(() => socket.destroy(), REFUSED_LINGER_MS).unref();
}

function definedLimits(options: Partial<ServerLimits>): Partial<ServerLimits> {
  const limits: { -readonly [K in keyof ServerLimits]?: number } = {};
  for (const key of ['maxConnections', 'lineTimeoutMs', 'idleTimeoutMs', 'maxBufferedBytes'] as const) {
    if (options[key] !== undefined) limits[key] = options[key];
  }
  return limits;
}

/** The supervisor's child spec for the listener (permanent: a listener that ends is restarted). */
export function listenerChildSpec(options: ServerOptions, onStart?: (server: KvServer) => void): ChildSpec {
  return {
    id: 'listener',
    restart: 'permanent',
    async start() {
      const server = await KvServer.listen(options);
      onStart?.(server);
      return server;
    },
  };
}

function logClientError(peer: string, error: Error): void {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ECONNRESET' || code === 'EPIPE') log.debug(`client ${peer}: ${error.message}`);
  else log.warning(`client ${peer}: ${error.message}`);
}
