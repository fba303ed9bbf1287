/**
 * Talking to a port mapper (protocol in server.ts): register this node on its own host,
 * starting the mapper on demand, and look up another node's port on the peer's host.
 *
 * Registering keeps its TCP connection open; the registration ends with it. If the mapper goes
 * away while the node runs, the node registers again (starting a new mapper) until it succeeds:
 * when another process took the name meanwhile (a squatter racing the restart), it logs the
 * conflict and keeps trying, backing off up to REREGISTER_DELAY_MS.max (1 s: a mapper restart
 * under 100 nodes has every name back within seconds), until the name is free.
 * Nodes that find no mapper at the same moment start one between them (spawn-lock.ts): the one that
 * takes the lock spawns it, the others poll until it answers. Should two still start (two users,
 * a stale lock), the second fails with EADDRINUSE and exits, and all connect to the first.
 * A root process checks that the mapper it talks to on this host is root's (mapper-owner.ts).
 */
import type net from 'node:net';
import { connectSocket } from '../connect-socket.js';
import { DistributionError } from '../errors.js';
import { CLOSED_BY_MAPPER, LineClient } from './line-client.js';
import { checkPortMapperOwner } from './mapper-owner.js';
import { takeSpawnLock, type SpawnLock } from './spawn-lock.js';
import { spawnPortMapper } from './spawner.js';
import { pollUntil, withDeadline } from '../../deadline.js';
import { createLogger, type Logger } from '../../logger/logger.js';

const DEFAULT_TIMEOUT_MS = 5000;
/**
 * How long a node waits for a port mapper it started to answer: starting one starts a process of the
 * executable, ~0.1 s natively but seconds under an emulator (a linux-arm64 release under qemu-user).
 */
const DEFAULT_START_TIMEOUT_MS = 30_000;
const REREGISTER_DELAY_MS = { first: 100, max: 1000 };
/** A start another node began and has just finished (lock released) may still be refused for a moment. */
const OTHER_START_GRACE_MS = 2000;

/** Connects to a port mapper; a connection that takes longer fails with "timed out". */
function connect(host: string, port: number, timeoutMs: number): Promise<net.Socket> {
  const timedOut = () => Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' });
  return withDeadline(timeoutMs, timedOut, (signal) => connectSocket(host, port, signal));
}

/** Sends one line and reads the reply; past the deadline the socket is destroyed (as a closed connection). */
function request(client: LineClient, line: string, timeoutMs: number): Promise<string> {
  return withDeadline(
    timeoutMs,
    () => new Error(CLOSED_BY_MAPPER),
    (signal) => {
      signal.addEventListener('abort', () => client.socket.destroy(), { once: true });
      client.send(line);
      return client.readLine();
    },
  );
}

export interface LookupOptions {
  readonly portMapperPort: number;
  readonly timeoutMs?: number;
}

/** The distribution port of `name` registered on `host`, or undefined. Throws DIST_NODE_DOWN naming `node`. */
export async function lookupNodePort(node: string, name: string, host: string, options: LookupOptions): Promise<number | undefined> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  let socket: net.Socket;
  try {
    socket = await connect(host, options.portMapperPort, timeoutMs);
  } catch (error) {
    const refused = (error as NodeJS.ErrnoException).code === 'ECONNREFUSED';
    const reason = refused ? 'no port mapper' : `cannot reach the port mapper (${(error as Error).message})`;
    throw new DistributionError({ code: 'DIST_NODE_DOWN', node, reason: `${reason} on ${host}:${options.portMapperPort}`, state: refused ? 'absent' : 'hung' });
  }
  const client = new LineClient(socket);
  try {
    // The owner is read while the request travels (the mapper would drop a client silent for long);
    // the reply is used only once the owner passed.
    const owner = checkPortMapperOwner(socket);
    const reply = await request(client, `LOOKUP ${name}`, timeoutMs).catch(() => '');
    await owner;
    const match = /^PORT (\d+)$/.exec(reply);
    if (match) return Number(match[1]);
    if (reply === 'NOT_FOUND') return undefined;
    throw new DistributionError({ code: 'DIST_NODE_DOWN', node, reason: `the port mapper on ${host}:${options.portMapperPort} did not answer`, state: 'hung' });
  } finally {
    socket.destroy();
  }
}

/** Every name registered with the mapper on `host` (as `epmd -names`). */
export async function listRegisteredNames(host: string, portMapperPort: number, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<Map<string, number>> {
  const socket = await connect(host, portMapperPort, timeoutMs);
  const client = new LineClient(socket);
  const names = new Map<string, number>();
  try {
    let line = await request(client, 'NAMES', timeoutMs);
    while (line !== 'END') {
      const [, name, port] = line.split(' ');
      names.set(name!, Number(port));
      line = await client.readLine();
    }
    return names;
  } finally {
    socket.destroy();
  }
}

export interface RegisterOptions {
  /** The name part of the node name (before "@"). */
  readonly name: string;
  /** This node's distribution port. */
  readonly port: number;
  readonly portMapperPort: number;
  /** Spawn the mapper when none answers (default true). */
  readonly startOnDemand?: boolean;
  /** How long to wait for a mapper (spawned or not) to answer. */
  readonly timeoutMs?: number;
  /** The address a mapper this node starts listens on (KVREL_DIST_ADDRESS); default every interface. */
  readonly address?: string | undefined;
  readonly logger?: Logger;
}

export interface PortMapperRegistration {
  /** Ends the registration. */
  close(): void;
}

/** Registers on 127.0.0.1, starting the mapper on demand. Throws DIST_NAME_IN_USE or DIST_PORT_MAPPER_UNAVAILABLE. */
export async function registerWithPortMapper(options: RegisterOptions): Promise<PortMapperRegistration> {
  const log = options.logger ?? createLogger('distribution');
  let closed = false;
  let socket = await registerOnce(options);
  let timer: NodeJS.Timeout | undefined;

  const watch = (current: net.Socket, delayMs: number): void => {
    current.on('close', () => {
      if (closed) return;
      log.warning(`lost the registration of ${JSON.stringify(options.name)} with the port mapper on port ${options.portMapperPort}; registering again`);
      retry(delayMs);
    });
  };
  const retry = (delayMs: number): void => {
    // A little jitter: a hundred nodes that lost the same mapper do not knock in the same millisecond.
    timer = setTimeout(
      () => {
        registerOnce(options).then(
          (next) => {
            if (closed) return void next.destroy();
            socket = next;
            watch(next, REREGISTER_DELAY_MS.first);
          },
          (error: unknown) => {
            if (closed) return;
            const next = Math.min(delayMs * 2, REREGISTER_DELAY_MS.max);
            if (error instanceof DistributionError && error.code === 'DIST_NAME_IN_USE') {
              log.error(
                `${error.message}: another process registered it while this node was not registered; peers cannot reach this node, trying again in ${next} ms`,
              );
            } else if (error instanceof DistributionError && error.code === 'DIST_PORT_MAPPER_UNTRUSTED') {
              log.error(`${error.message}; peers cannot reach this node, trying again in ${next} ms`);
            } else {
              log.debug(`registering ${JSON.stringify(options.name)} again failed (${(error as Error).message}); trying again in ${next} ms`);
            }
            retry(next);
          },
        );
      },
      delayMs * (0.75 + Math.random() / 2),
    );
    timer.unref();
  };
  watch(socket, REREGISTER_DELAY_MS.first);

  return {
    close() {
      closed = true;
      clearTimeout(timer);
      socket.destroy();
    },
  };
}

async function registerOnce(options: RegisterOptions): Promise<net.Socket> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const socket = await connectOrStart(options, options.timeoutMs ?? DEFAULT_START_TIMEOUT_MS);
  const client = new LineClient(socket);
  let reply: string;
  // Checked while the REGISTER travels; a refused mapper's registration is dropped with its connection.
  const owner = checkPortMapperOwner(socket).then(
    () => undefined,
    (error: unknown) => error,
  );
  try {
    reply = await request(client, `REGISTER ${options.name} ${options.port}`, timeoutMs);
  } catch (error) {
    socket.destroy();
    throw (await owner) ?? unavailable(options.portMapperPort, (error as Error).message);
  }
  const untrusted = await owner;
  if (untrusted !== undefined) {
    socket.destroy();
    throw untrusted;
  }
  if (reply === 'OK') {
    socket.removeAllListeners('data');
    socket.on('data', () => {});
    socket.setKeepAlive(true, 10_000);
    return socket;
  }
  socket.destroy();
  if (reply.includes('is already in use')) throw new DistributionError({ code: 'DIST_NAME_IN_USE', name: options.name });
  const holder = /belongs to (user \d+)/.exec(reply)?.[1];
  if (holder !== undefined) throw new DistributionError({ code: 'DIST_NAME_IN_USE', name: options.name, owner: holder });
  throw unavailable(options.portMapperPort, `it refused the registration: ${reply.replace(/^ERROR /, '')}`);
}

/** Connects to 127.0.0.1:port; when refused, starts the mapper (unless another start is under way) and polls until the deadline. */
async function connectOrStart(options: RegisterOptions, timeoutMs: number): Promise<net.Socket> {
  let spawned = false;
  let lock: SpawnLock | undefined;
  /** When another start was last seen under way: its mapper may answer any moment, so do not start a second. */
  let otherStartSeen = -Infinity;
  const attempt = async (remainingMs: number): Promise<net.Socket | undefined> => {
    try {
      return await connect('127.0.0.1', options.portMapperPort, remainingMs);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ECONNREFUSED' && code !== 'ECONNRESET') throw unavailable(options.portMapperPort, (error as Error).message);
      if (options.startOnDemand === false) throw unavailable(options.portMapperPort, 'nothing listens there');
      if (spawned || performance.now() - otherStartSeen < OTHER_START_GRACE_MS) return undefined;
      lock = takeSpawnLock(options.portMapperPort);
      if (lock === undefined) otherStartSeen = performance.now();
      else {
        spawned = true;
        try {
          spawnPortMapper({ port: options.portMapperPort, ...(options.address !== undefined && { address: options.address }) });
        } catch (spawnError) {
          throw unavailable(options.portMapperPort, (spawnError as Error).message);
        }
      }
      return undefined;
    }
  };
  const socket = await pollUntil(attempt, { timeoutMs, intervalMs: 10, maxIntervalMs: 100 }).finally(() => lock?.release());
  if (!socket) throw unavailable(options.portMapperPort, `it did not start within ${timeoutMs} ms`);
  return socket;
}

function unavailable(port: number, reason: string): DistributionError {
  return new DistributionError({ code: 'DIST_PORT_MAPPER_UNAVAILABLE', address: `127.0.0.1:${port}`, reason });
}
