/**
 * The port mapper: one per host, it maps node names (the part before "@") to distribution ports,
 * as Erlang's epmd does. It listens on KVREL_PORT_MAPPER_PORT (default 4370) on every interface,
 * or on KVREL_DIST_ADDRESS (and loopback) when set, is started on demand by the first node of the
 * host (client.ts) and outlives it. It serves the nodes of every local OS user, as epmd does.
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
 * other hosts), by any local user, one name per connection, a bounded number of names per user; a
 * name belongs to the user that registered it. A registration lives and dies with its connection.
 * Which user opened a connection is read once per REGISTER, in batched scans (peer-user.ts).
 *
 * Filling it up: connections that have not registered are admitted per address (admission/
 * pending-admission.ts): a flood from one address pushes out its own oldest idle connections, not
 * a node's LOOKUP or REGISTER; a burst wider than an address's slots waits, unread, for a slot
 * (admission-queue.ts) rather than being dropped. Each is closed idleTimeoutMs (10 s) after its last complete line,
 * however slowly it dribbles bytes; a longer line, or junk, closes it. Registered connections use
 * TCP keepalive and stay open.
 *
 * Run as its own process: spawn any kvrel entry (the CLI, a release's executable) with
 * KVREL_RUN_PORT_MAPPER=1; the entry calls runPortMapperFromEnv() first and stops there.
 */
import net from 'node:net';
import { AdmissionQueue, type QueueLimits } from '../admission/admission-queue.js';
import type { AdmissionLimits, AdmissionTicket } from '../admission/pending-admission.js';
import { distAddressFrom, EVERY_INTERFACE, portMapperAddresses } from '../dist-address.js';
import { DEFAULT_PORT_MAPPER_PORT, portMapperPortFromEnv } from '../ports.js';
import { RegisterPolicy, type RegisterPolicyOptions } from './register-policy.js';

export const RUN_PORT_MAPPER_ENV = 'KVREL_RUN_PORT_MAPPER';
export const PORT_MAPPER_MAX_LINE_BYTES = 256;
/** Connections that have not registered, per address and in all; and those waiting for a slot. */
export const DEFAULT_PORT_MAPPER_LIMITS: AdmissionLimits & QueueLimits = {
  maxPerAddress: 64,
  maxTotal: 1024,
  minAgeMs: 250,
  evictOnlyAfterMinAge: true,
  maxWaitingPerAddress: 192,
  maxWaitingTotal: 1024,
};

export interface PortMapperOptions extends RegisterPolicyOptions {
  /** 0 picks a free port (tests). Default: KVREL_PORT_MAPPER_PORT or 4370. */
  readonly port?: number;
  /** Default "0.0.0.0": reachable from other hosts and on 127.0.0.1. Another address adds 127.0.0.1. */
  readonly host?: string;
  readonly idleTimeoutMs?: number;
  /** Unregistered connections per address and in all, and how many may wait for a slot. */
  readonly limits?: AdmissionLimits & QueueLimits;
}

export interface PortMapper {
  readonly port: number;
  /** The addresses it listens on. */
  readonly addresses: readonly string[];
  /** name → port of every live registration. */
  names(): ReadonlyMap<string, number>;
  /** Connections open now (registered or not). */
  connections(): number;
  /** Stops listening and drops every connection (and so every registration). */
  close(): Promise<void>;
}

export async function startPortMapper(options: PortMapperOptions = {}): Promise<PortMapper> {
  const registrations = new Map<string, { port: number; socket: net.Socket; uid: number | undefined }>();
  /** Names whose registration ended lately: name → its user, until when no other user may take it. */
  const held = new Map<string, { uid: number | undefined; until: number }>();
  const sockets = new Set<net.Socket>();
  const idleTimeoutMs = options.idleTimeoutMs ?? 10_000;
  const admission = new AdmissionQueue(options.limits ?? DEFAULT_PORT_MAPPER_LIMITS);
  const policy = new RegisterPolicy(options);
  const servers = portMapperAddresses(options.host ?? EVERY_INTERFACE).map(() => {
    const server = net.createServer((socket) => serve(socket));
    // A last resort only: admission keeps unregistered connections far below it.
    server.maxConnections = 8192;
    return server;
  });

  /** The user a name is reserved for: its live registration's, else a recent one's. */
  function holderOf(name: string): number | undefined {
    const live = registrations.get(name);
    if (live) return live.uid;
    const recent = held.get(name);
    if (recent && recent.until > Date.now()) return recent.uid;
    held.delete(name);
    return undefined;
  }

  /** Names a user holds: live ones and recently released ones still reserved for it. */
  function namesHeldBy(uid: number | undefined): number {
    let count = 0;
    for (const entry of registrations.values()) if (entry.uid === uid) count++;
    const now = Date.now();
    for (const [name, entry] of held) {
      if (entry.until <= now) held.delete(name);
      else if (entry.uid === uid && !registrations.has(name)) count++;
    }
    return count;
  }

  function serve(socket: net.Socket): void {
    sockets.add(socket);
    socket.on('error', () => {});
    // A deadline per command, not per byte: a peer dribbling bytes is dropped all the same. It runs
    // while the connection waits for admission too.
    let deadline: NodeJS.Timeout | undefined = setTimeout(() => socket.destroy(), idleTimeoutMs);
    let ticket: AdmissionTicket | undefined;
    let registered: string | undefined;
    socket.on('close', () => {
      clearTimeout(deadline);
      waiter?.cancel();
      ticket?.release();
      sockets.delete(socket);
      if (registered !== undefined && registrations.get(registered)?.socket === socket) {
        const entry = registrations.get(registered)!;
        registrations.delete(registered);
        if (policy.nameHoldMs > 0) held.set(registered, { uid: entry.uid, until: Date.now() + policy.nameHoldMs });
      }
    });
    // A REGISTER (the costly command: the user check) waits for an admission slot; LOOKUP and NAMES,
    // answered from memory, are served at once, so a flood of REGISTERs does not delay them.
    let slotTaken!: () => void;
    const slot = new Promise<void>((resolve) => (slotTaken = resolve));
    const waiter = admission.enter(
      socket.remoteAddress ?? 'unknown address',
      () => socket.destroy(),
      (admitted) => {
        ticket = admitted;
        if (socket.destroyed) return admitted.release();
        slotTaken();
      },
    );
    if (!waiter) return void socket.destroy();
    begin();

    function begin(): void {
      let buffered = '';
      let busy = false;
      let done = false;
      const finish = (reply: string): void => {
        done = true;
        socket.end(reply, () => socket.destroy());
      };
      // None while a REGISTER waits for its slot or its user check: that wait is the mapper's, not the peer's.
      const armDeadline = () => {
        clearTimeout(deadline);
        deadline = registered === undefined && !busy ? setTimeout(() => socket.destroy(), idleTimeoutMs) : undefined;
      };
      socket.setEncoding('latin1');
      socket.on('data', (chunk: string) => {
        if (done) return;
        buffered += chunk;
        drain();
      });
      socket.resume();

      /** Answers the complete lines buffered, one at a time (a REGISTER waits for the user check). */
      function drain(): void {
        let newline: number;
        while (!done && !busy && (newline = buffered.indexOf('\n')) !== -1) {
          const line = buffered.slice(0, newline).replace(/\r$/, '');
          buffered = buffered.slice(newline + 1);
          if (newline > PORT_MAPPER_MAX_LINE_BYTES) return void socket.destroy();
          ticket?.progressed();
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
          waiter?.ready();
          slot
            .then(() => {
              ticket!.progressed();
              ticket!.busy?.(true);
              return register(rest[0]!, rest[1]!);
            })
            .then(
              (error) => {
                busy = false;
                ticket!.busy?.(false);
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
    }

    async function register(name: string, portText: string): Promise<string | undefined> {
      if (registered !== undefined) return `this connection already registered ${JSON.stringify(registered)}; one name per connection`;
      const port = Number(portText);
      const invalid = policy.checkRequest(socket, name, portText);
      if (invalid !== undefined) return invalid;
      const user = await policy.checkUser(socket);
      if ('refusal' in user) return user.refusal;
      if (socket.destroyed) return 'the connection closed';
      if (registrations.has(name)) {
        return policy.checkOwner(name, user.uid, registrations.get(name)!.uid) ?? `node name ${JSON.stringify(name)} is already in use on this host`;
      }
      const takenOver = policy.checkOwner(name, user.uid, holderOf(name));
      if (takenOver !== undefined) return takenOver;
      const tooMany = policy.checkCount(user.uid, namesHeldBy(user.uid));
      if (tooMany !== undefined) return tooMany;
      registered = name;
      registrations.set(name, { port, socket, uid: user.uid });
      held.delete(name);
      ticket?.release(); // a registered node no longer competes with clients for admission
      socket.setKeepAlive(true, 10_000);
      return undefined;
    }
  }

  const addresses = portMapperAddresses(options.host ?? EVERY_INTERFACE);
  let port = options.port ?? DEFAULT_PORT_MAPPER_PORT;
  try {
    for (const [index, server] of servers.entries()) {
      await listen(server, port, addresses[index]!);
      port = (server.address() as net.AddressInfo).port; // port 0: the others take the one picked
    }
  } catch (error) {
    for (const server of servers) server.close();
    throw error;
  }

  return {
    port,
    addresses,
    names: () => new Map([...registrations].map(([name, entry]) => [name, entry.port])),
    connections: () => sockets.size,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await Promise.all(servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
    },
  };
}

function listen(server: net.Server, port: number, host: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/**
 * When KVREL_RUN_PORT_MAPPER=1, turns this process into the host's port mapper and returns true
 * (the caller must then do nothing else). A mapper already listening on the port means another
 * node started one first: this process exits 0. It listens on KVREL_DIST_ADDRESS (and loopback)
 * when set, else on every interface. Returns false otherwise.
 */
export function runPortMapperFromEnv(env: NodeJS.ProcessEnv = process.env): boolean {
  if (env[RUN_PORT_MAPPER_ENV] !== '1') return false;
  const port = portMapperPortFromEnv(env);
  const host = distAddressFrom(env, undefined) ?? EVERY_INTERFACE;
  startPortMapper({ port, host }).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'EADDRINUSE') process.stderr.write(`port mapper: could not listen on port ${port}: ${error.message}\n`);
    process.exit(error.code === 'EADDRINUSE' ? 0 : 1);
  });
  return true;
}
