/**
 * The listener: a net.Server on kv-server.port whose clients each get a Connection. `listen`
 * rejects with the listen error (EADDRINUSE, EACCES), which the supervisor counts as a crash and
 * retries; an error after listening ends the listener's `exited` with that error.
 */
import net from 'node:net';
import { createLogger, exitSignal, System, type Child, type ChildSpec, type ExitReason } from '@kvrel/runtime';
import { Connection, type ConnectionLimits } from './connection.js';
import type { Execute } from './run-command.js';

const log = createLogger('kv-server');

export interface ServerOptions extends ConnectionLimits {
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
  private readonly clients = new Set<Connection>();
  private stopping: Promise<void> | undefined;
  private failure: Error | undefined;

  private constructor(
    private readonly server: net.Server,
    private readonly options: ServerOptions,
  ) {
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

  /** Stops accepting, closes every client (their owed replies flushed first), resolves once all are gone. */
  stop(): Promise<void> {
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
    // While the node is still booting (distribution coming up), accept but read nothing: if the boot
    // fails, the node exits having run and acknowledged no command.
    const pending = System.bootPending();
    if (pending) {
      socket.pause();
      void pending.then(() => socket.resume());
    }
    const client = new Connection(socket, {
      execute: this.options.execute,
      maxLineBytes: this.options.maxLineBytes,
      maxPendingReplyBytes: this.options.maxPendingReplyBytes,
      dropPendingReplyBytes: this.options.dropPendingReplyBytes,
      lingerMs: this.options.lingerMs,
      onError: (error) => logClientError(socket, error),
    });
    this.clients.add(client);
    void client.closed.then(() => this.clients.delete(client));
  };
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

function logClientError(socket: net.Socket, error: Error): void {
  const code = (error as NodeJS.ErrnoException).code;
  const peer = `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`;
  if (code === 'ECONNRESET' || code === 'EPIPE') log.debug(`client ${peer}: ${error.message}`);
  else log.warning(`client ${peer}: ${error.message}`);
}
