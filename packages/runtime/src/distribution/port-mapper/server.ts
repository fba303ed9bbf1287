/**
 * The port mapper: one per host, it maps node names (the part before "@") to distribution ports,
 * as Erlang's epmd does. It listens on KVREL_PORT_MAPPER_PORT (default 4370) on every interface,
 * is started on demand by the first node of the host (client.ts) and outlives it.
 *
 * Protocol: ASCII lines ending in "\n" ("\r\n" accepted), at most 256 bytes each.
 *
 *   REGISTER <name> <port>  → OK                  the registration lasts as long as this connection
 *                           → ERROR <message>     (name in use, bad name or port, not from this host or user)
 *   LOOKUP <name>           → PORT <port> | NOT_FOUND
 *   NAMES                   → NAME <name> <port> … then END    (as `epmd -names`)
 *   anything else           → ERROR unknown command, and the connection is closed
 *
 * Who may register (register-policy.ts): connections from this host only (epmd refuses ALIVE2 from
 * other hosts), opened by the mapper's own OS user or root, one name per connection, a bounded
 * number of names per user. A registration lives and dies with its connection.
 *
 * Filling it up: connections that have not registered are admitted per address (admission/
 * pending-admission.ts): a flood from one address pushes out its own oldest idle connections, not
 * a node's LOOKUP or REGISTER. Each is closed idleTimeoutMs (10 s) after its last complete line,
 * however slowly it dribbles bytes; a longer line, or junk, closes it. Registered connections use
 * TCP keepalive and stay open.
 *
 * Run as its own process: spawn any kvrel entry (the CLI, a release's executable) with
 * KVREL_RUN_PORT_MAPPER=1; the entry calls runPortMapperFromEnv() first and stops there.
 */
import net from 'node:net';
import { PendingAdmission, type AdmissionLimits } from '../admission/pending-admission.js';
import { DEFAULT_PORT_MAPPER_PORT, portMapperPortFromEnv } from '../ports.js';
import { RegisterPolicy, type RegisterPolicyOptions } from './register-policy.js';

export const RUN_PORT_MAPPER_ENV = 'KVREL_RUN_PORT_MAPPER';
export const PORT_MAPPER_MAX_LINE_BYTES = 256;
/** Connections that have not registered, per address and in all. */
export const DEFAULT_PORT_MAPPER_LIMITS: AdmissionLimits = { maxPerAddress: 64, maxTotal: 1024 };

export interface PortMapperOptions extends RegisterPolicyOptions {
  /** 0 picks a free port (tests). Default: KVREL_PORT_MAPPER_PORT or 4370. */
  readonly port?: number;
  /** Default "0.0.0.0": reachable from other hosts and on 127.0.0.1. */
  readonly host?: string;
  readonly idleTimeoutMs?: number;
  /** Unregistered connections per address and in all. */
  readonly limits?: AdmissionLimits;
}

export interface PortMapper {
  readonly port: number;
  /** name → port of every live registration. */
  names(): ReadonlyMap<string, number>;
  /** Connections open now (registered or not). */
  connections(): number;
  /** Stops listening and drops every connection (and so every registration). */
  close(): Promise<void>;
}

export async function startPortMapper(options: PortMapperOptions = {}): Promise<PortMapper> {
  const registrations = new Map<string, { port: number; socket: net.Socket; uid: number | undefined }>();
  const sockets = new Set<net.Socket>();
  const idleTimeoutMs = options.idleTimeoutMs ?? 10_000;
  const admission = new PendingAdmission(options.limits ?? DEFAULT_PORT_MAPPER_LIMITS);
  const policy = new RegisterPolicy(options);
  const server = net.createServer((socket) => serve(socket));
  // A last resort only: admission keeps unregistered connections far below it.
  server.maxConnections = 8192;

  function serve(socket: net.Socket): void {
    const admitted = admission.admit(socket.remoteAddress ?? 'unknown address', () => socket.destroy());
    if (!admitted.admitted) return void socket.destroy();
    const ticket = admitted.ticket;
    sockets.add(socket);
    let buffered = '';
    let registered: string | undefined;
    let busy = false;
    let done = false;
    const finish = (reply: string): void => {
      done = true;
      socket.end(reply, () => socket.destroy());
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
      ticket.release();
      sockets.delete(socket);
      if (registered !== undefined && registrations.get(registered)?.socket === socket) registrations.delete(registered);
    });
    socket.on('data', (chunk: string) => {
      if (done) return;
      buffered += chunk;
      drain();
    });

    /** Answers the complete lines buffered, one at a time (a REGISTER waits for the user check). */
    function drain(): void {
      let newline: number;
      while (!done && !busy && (newline = buffered.indexOf('\n')) !== -1) {
        const line = buffered.slice(0, newline).replace(/\r$/, '');
        buffered = buffered.slice(newline + 1);
        if (newline > PORT_MAPPER_MAX_LINE_BYTES) return void socket.destroy();
        ticket.progressed();
        handle(line);
        armDeadline();
      }
      // A partial line past the limit; while a REGISTER is checked, a few lines may queue behind it.
      if (buffered.length > (busy ? 16 : 1) * PORT_MAPPER_MAX_LINE_BYTES) socket.destroy();
    }

    function handle(line: string): void {
      const [command, ...rest] = line.split(' ');
      if (command === 'LOOKUP' && rest.length === 1) {
        const entry = registrations.get(rest[0]!);
        socket.write(entry ? `PORT ${entry.port}\n` : 'NOT_FOUND\n');
      } else if (command === 'NAMES' && rest.length === 0) {
        for (const [name, entry] of registrations) socket.write(`NAME ${name} ${entry.port}\n`);
        socket.write('END\n');
      } else if (command === 'REGISTER' && rest.length === 2) {
        busy = true;
        register(rest[0]!, rest[1]!).then(
          (error) => {
            busy = false;
            if (error !== undefined) return finish(`ERROR ${error}\n`);
            socket.write('OK\n');
            armDeadline();
            drain();
          },
          () => socket.destroy(), // a bug in the check must not take the mapper down
        );
      } else {
        finish('ERROR unknown command\n');
      }
    }

    async function register(name: string, portText: string): Promise<string | undefined> {
      if (registered !== undefined) return `this connection already registered ${JSON.stringify(registered)}; one name per connection`;
      const port = Number(portText);
      const invalid = policy.checkRequest(socket, name, portText);
      if (invalid !== undefined) return invalid;
      const user = await policy.checkUser(socket);
      if ('refusal' in user) return user.refusal;
      if (socket.destroyed) return 'the connection closed';
      if (registrations.has(name)) return `node name ${JSON.stringify(name)} is already in use on this host`;
      const held = [...registrations.values()].filter((entry) => entry.uid === user.uid).length;
      const tooMany = policy.checkCount(user.uid, held);
      if (tooMany !== undefined) return tooMany;
      registered = name;
      registrations.set(name, { port, socket, uid: user.uid });
      ticket.release(); // a registered node no longer competes with clients for admission
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
    connections: () => sockets.size,
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
