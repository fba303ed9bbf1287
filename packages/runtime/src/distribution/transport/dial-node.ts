/**
 * Opens an authenticated connection to another node: look its port up with the port mapper of
 * its host (the part after "@"), connect, secure the link (TLS when asked), run the initiator's
 * handshake; from then on every frame is tagged (wire/frame-auth.ts). Every failure is a
 * DistributionError naming the node, raised promptly: a refused connection or a name nobody
 * registered fails at once, and the whole dial has one deadline.
 */
import type net from 'node:net';
import type { Duplex } from 'node:stream';
import type { DistTls } from '../dist-tls.js';
import { secureOutgoing } from './link-security.js';
import type { DistributionSettings } from './distribution-settings.js';
import { NodeConnection } from './node-connection.js';
import { DistributionError } from '../errors.js';
import { FramedSocket } from './framed-socket.js';
import { initiateHandshake } from './handshake.js';
import { HANDSHAKE_MAX_FRAME_BYTES, HandshakeError } from '../wire/handshake-messages.js';
import type { SessionKeys } from '../wire/frame-auth.js';
import { connectSocket } from '../connect-socket.js';
import { splitNodeName } from '../node-name.js';
import { lookupNodePort } from '../port-mapper/client.js';
import { withDeadline } from '../../deadline.js';

export interface DialOptions {
  /** This node's name (a hidden client's made-up name). */
  readonly self: string;
  readonly cookie: string;
  readonly hidden?: boolean;
  readonly portMapperPort: number;
  /** Port tried when the peer's host has no mapper or no entry (nodes pinned with KVREL_DIST_PORT). */
  readonly fallbackPort?: number | undefined;
  /** RELEASE_DIST_TLS: the link runs over TLS. */
  readonly tls?: DistTls | undefined;
  /** handshakeTimeoutMs is the deadline of lookup + connect + handshake; the rest goes to the link. */
  readonly settings: DistributionSettings;
}

export async function dialNode(target: string, options: DialOptions): Promise<NodeConnection> {
  const { name, host } = splitNodeName(target);
  const deadline = Date.now() + options.settings.handshakeTimeoutMs;
  const remaining = () => Math.max(1, deadline - Date.now());
  const port = await resolvePort(target, name, host, options, remaining());
  const socket = await connectTo(target, host, port, remaining());
  const link = await secure(target, socket, options.tls, remaining());
  const framed = new FramedSocket(link, { maxFrameBytes: HANDSHAKE_MAX_FRAME_BYTES });
  let keys: SessionKeys;
  try {
    ({ keys } = await initiateHandshake(framed, {
      self: options.self,
      cookie: options.cookie,
      hidden: options.hidden ?? false,
      peer: target,
      timeoutMs: remaining(),
    }));
  } catch (error) {
    framed.destroy();
    const hung = error instanceof HandshakeError && error.failure === 'handshake timed out';
    throw new DistributionError({ code: 'DIST_HANDSHAKE_FAILED', node: target, reason: handshakeReason(error), ...(hung && { state: 'hung' as const }) });
  }
  if (framed.closed) throw new DistributionError({ code: 'DIST_HANDSHAKE_FAILED', node: target, reason: 'the connection closed during the handshake' });
  framed.maxFrameBytes = options.settings.maxFrameBytes;
  framed.authenticate(keys);
  return new NodeConnection({ peer: target, hidden: false, socket: framed, settings: options.settings });
}

/** TLS when asked (link-security.ts), under the dial's deadline. */
async function secure(target: string, socket: net.Socket, tls: DistTls | undefined, timeoutMs: number): Promise<Duplex> {
  try {
    return await withDeadline(
      timeoutMs,
      () => new DistributionError({ code: 'DIST_HANDSHAKE_FAILED', node: target, reason: `the TLS handshake took more than ${timeoutMs} ms`, state: 'hung' }),
      () => secureOutgoing(socket, tls),
    );
  } catch (error) {
    socket.destroy();
    if (error instanceof DistributionError) throw error;
    throw new DistributionError({ code: 'DIST_HANDSHAKE_FAILED', node: target, reason: (error as Error).message });
  }
}

async function resolvePort(target: string, name: string, host: string, options: DialOptions, timeoutMs: number): Promise<number> {
  let port: number | undefined;
  try {
    port = await lookupNodePort(target, name, host, { portMapperPort: options.portMapperPort, timeoutMs });
  } catch (error) {
    if (options.fallbackPort !== undefined) return options.fallbackPort;
    throw error;
  }
  if (port !== undefined) return port;
  if (options.fallbackPort !== undefined) return options.fallbackPort;
  throw new DistributionError({
    code: 'DIST_NODE_DOWN',
    node: target,
    reason: `no node ${JSON.stringify(name)} is registered with the port mapper on ${host}:${options.portMapperPort}`,
    state: 'absent',
  });
}

async function connectTo(target: string, host: string, port: number, timeoutMs: number): Promise<net.Socket> {
  const noAnswer = () =>
    new DistributionError({ code: 'DIST_NODE_DOWN', node: target, reason: `no answer on ${host}:${port} within ${timeoutMs} ms`, state: 'hung' });
  let socket: net.Socket;
  try {
    socket = await withDeadline(timeoutMs, noAnswer, (signal) => connectSocket(host, port, signal));
  } catch (error) {
    if (error instanceof DistributionError) throw error;
    const refused = (error as NodeJS.ErrnoException).code === 'ECONNREFUSED';
    const reason = refused ? 'connection refused' : (error as Error).message;
    throw new DistributionError({ code: 'DIST_NODE_DOWN', node: target, reason, ...(refused && { state: 'absent' as const }) });
  }
  socket.setNoDelay(true);
  socket.setKeepAlive(true, 15_000);
  return socket;
}

function handshakeReason(error: unknown): string {
  if (!(error instanceof HandshakeError)) return error instanceof Error ? error.message : String(error);
  if (error.failure === 'refused' && error.message === 'cookie challenge failed') {
    return 'cookie challenge failed (the two nodes do not share a cookie)';
  }
  return error.message;
}
