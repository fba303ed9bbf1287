/**
 * The port mapper: one per host, it maps node names (the part before "@") to distribution ports,
 * as Erlang's epmd does. It listens on KVREL_PORT_MAPPER_PORT (default 4370) on every interface,
 * is started on demand by the first node of the host (client.ts) and outlives it.
 *
 * Protocol: ASCII lines ending in "\n" ("\r\n" accepted), at most 256 bytes each.
 *
 *   REGISTER <name> <port>  → OK                  the registration lasts as long as this connection
 *                           → ERROR <message>     (name in use, bad name or port, not from this host)
 *   LOOKUP <name>           → PORT <port> | NOT_FOUND
 *   NAMES                   → NAME <name> <port> … then END    (as `epmd -names`)
 *   anything else           → ERROR unknown command, and the connection is closed
 *
 * REGISTER is accepted from loopback addresses only (epmd refuses ALIVE2 from other hosts). A
 * connection that has not registered is closed idleTimeoutMs (10 s) after its last complete line,
 * however slowly it dribbles bytes; a longer line, or junk, closes it. Registered connections use TCP keepalive and stay open.
 *
 * Run as its own process: spawn any kvrel entry (the CLI, a release's executable) with
 * KVREL_RUN_PORT_MAPPER=1; the entry calls runPortMapperFromEnv() first and stops there.
 */
import net from 'node:net';
import { DEFAULT_PORT_MAPPER_PORT, portMapperPortFromEnv } from '../ports.js';

export const RUN_PORT_MAPPER_ENV = 'KVREL_RUN_PORT_MAPPER';
export const PORT_MAPPER_MAX_LINE_BYTES = 256;
const NAME_PART = /^[A-Za-z0-9_-]+$/;

export interface PortMapperOptions {
  /** 0 picks a free port (tests). Default: KVREL_PORT_MAPPER_PORT or 4370. */
  readonly port?: number;
  /** Default "0.0.0.0": reachable from other hosts and on 127.0.0.1. */
  readonly host?: string;
  readonly idleTimeoutMs?: number;
  readonly maxConnections?: number;
}

export interface PortMapper {
  readonly port: number;
  /** name → port of every live registration. */
  names(): ReadonlyMap<string, number>;
  /** Stops listening and drops every connection (and so every registration). */
  close(): Promise<void>;
}

export async function startPortMapper(options: PortMapperOptions = {}): Promise<PortMapper> {
  const registrations = new Map<string, { port: number; socket: net.Socket }>();
  const sockets = new Set<net.Socket>();
  const idleTimeoutMs = options.idleTimeoutMs ?? 10_000;
  const server = net.createServer((socket) => serve(socket));
  server.maxConnections = options.maxConnections ?? 1024;

  function serve(socket: net.Socket): void {
    sockets.add(socket);
    let buffered = '';
    let registered: string | undefined;
    let done = false;
    const finish = (reply: string): false => {
      done = true;
      socket.end(reply, () => socket.destroy());
      return false;
    };
    socket.setEncoding('latin1');
    // A deadline per command, not per byte: a peer dribbling bytes is dropped all the same.
    let deadline: NodeJS.Timeout | undefined;
    const armDeadline = () => {
      clearTimeout(deadline);
      deadline = registered === undefined ? setTimeout(() => socket.destroy(), idleTimeoutMs) : undefined;
    };
    armDeadline();
    socket.on('error', () => {});
    socket.on('close', () => {
      clearTimeout(deadline);
      sockets.delete(socket);
      if (registered !== undefined && registrations.get(registered)?.socket === socket) registrations.delete(registered);
    });
    socket.on('data', (chunk: string) => {
      if (done) return;
      buffered += chunk;
      let newline: number;
      while ((newline = buffered.indexOf('\n')) !== -1) {
        const line = buffered.slice(0, newline).replace(/\r$/, '');
        buffered = buffered.slice(newline + 1);
        if (newline > PORT_MAPPER_MAX_LINE_BYTES) return void socket.destroy();
        if (!handle(line)) return;
        armDeadline();
      }
      if (buffered.length > PORT_MAPPER_MAX_LINE_BYTES) socket.destroy();
    });

    /** Answers one line; false when the connection is done. */
    function handle(line: string): boolean {
      const [command, ...rest] = line.split(' ');
      if (command === 'LOOKUP' && rest.length === 1) {
        const entry = registrations.get(rest[0]!);
        socket.write(entry ? `PORT ${entry.port}\n` : 'NOT_FOUND\n');
        return true;
      }
      if (command === 'NAMES' && rest.length === 0) {
        for (const [name, entry] of registrations) socket.write(`NAME ${name} ${entry.port}\n`);
        socket.write('END\n');
        return true;
      }
      if (command === 'REGISTER' && rest.length === 2) {
        const error = register(rest[0]!, rest[1]!);
        if (error === undefined) {
          socket.write('OK\n');
          return true;
        }
        return finish(`ERROR ${error}\n`);
      }
      return finish('ERROR unknown command\n');
    }

    function register(name: string, portText: string): string | undefined {
      if (registered !== undefined) return `this connection already registered ${JSON.stringify(registered)}`;
      if (!isLoopback(socket.remoteAddress)) return 'nodes register from this host only';
      if (!NAME_PART.test(name)) return `node name ${JSON.stringify(name)} is not valid; use letters, digits, "_" and "-"`;
      const port = Number(portText);
      if (!/^\d+$/.test(portText) || port < 1 || port > 65535) return `port ${JSON.stringify(portText)} is not a port number`;
      if (registrations.has(name)) return `node name ${JSON.stringify(name)} is already in use on this host`;
      registered = name;
      registrations.set(name, { port, socket });
      socket.setKeepAlive(true, 10_000);
      return undefined;
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? DEFAULT_PORT_MAPPER_PORT, options.host ?? '0.0.0.0', () => {
      server.off('error', reject);
      resolve();
    });
  });

  return {
    port: (server.address() as net.AddressInfo).port,
    names: () => new Map([...registrations].map(([name, entry]) => [name, entry.port])),
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/**
 * When KVREL_RUN_PORT_MAPPER=1, turns this process into the host's port mapper and returns true
 * (the caller must then do nothing else). A mapper already listening on the port means another
 * node started one first: this process exits 0. Returns false otherwise.
 */
export function runPortMapperFromEnv(env: NodeJS.ProcessEnv = process.env): boolean {
  if (env[RUN_PORT_MAPPER_ENV] !== '1') return false;
  const port = portMapperPortFromEnv(env);
  startPortMapper({ port }).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'EADDRINUSE') process.stderr.write(`port mapper: could not listen on port ${port}: ${error.message}\n`);
    process.exit(error.code === 'EADDRINUSE' ? 0 : 1);
  });
  return true;
}

function isLoopback(address: string | undefined): boolean {
  if (address === undefined) return false;
  return address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.');
}
