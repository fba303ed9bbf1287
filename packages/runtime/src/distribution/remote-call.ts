/**
 * Hidden client nodes, for the release launcher's rpc / stop / pid / remote (Mix starts a hidden
 * VM named rpc-XXXX-<node> for these). The client does not listen and does not register: it dials
 * the target, proves the cookie, calls services over that one connection, and is never listed
 * in the target's Node.list().
 */
import { randomBytes } from 'node:crypto';
import type { DistTls } from './dist-tls.js';
import { dialNode } from './transport/dial-node.js';
import { DistributionError } from './errors.js';
import { resolveDistributionSettings } from './transport/distribution-settings.js';
import type { NodeConnection } from './transport/node-connection.js';
import { DEFAULT_CALL_TIMEOUT_MS } from './node.js';
import { splitNodeName } from './node-name.js';
import { portMapperPortFromEnv } from './ports.js';

export interface RemoteCallOptions {
  /** Deadline of the call (and, separately, of connecting). Default 5000 ms. */
  readonly timeoutMs?: number;
  /** Default KVREL_PORT_MAPPER_PORT, else 4370. */
  readonly portMapperPort?: number;
  /** Port tried when the target's host has no mapper entry (targets pinned with KVREL_DIST_PORT). */
  readonly distPort?: number | undefined;
  /** RELEASE_DIST_TLS settings: the target runs distribution over TLS. */
  readonly tls?: DistTls | undefined;
  /** The client's own name; default `rpc-<hex>-<target name>@<target host>`. */
  readonly clientName?: string;
}

export interface HiddenConnection {
  /** The target node's name. */
  readonly node: string;
  /** The client's made-up name, as the target sees it. */
  readonly self: string;
  readonly closed: boolean;
  call(service: string, fn: string, args?: readonly unknown[], timeoutMs?: number): Promise<unknown>;
  close(): void;
}

const MAX_DIALS = 5;
const RETRY_DELAY_MS = 20;

function closedDuringHandshake(error: unknown): boolean {
  return error instanceof DistributionError && error.code === 'DIST_HANDSHAKE_FAILED' && error.message.includes('closed during the handshake');
}

/** Connects to `target` as a hidden node. Throws DIST_NODE_DOWN / DIST_HANDSHAKE_FAILED naming the target. */
export async function connectHidden(target: string, cookie: string, options: RemoteCallOptions = {}): Promise<HiddenConnection> {
  const { name, host } = splitNodeName(target);
  const self = options.clientName ?? `rpc-${randomBytes(2).toString('hex')}-${name}@${host}`;
  const timeoutMs = options.timeoutMs ?? DEFAULT_CALL_TIMEOUT_MS;
  const deadline = Date.now() + timeoutMs;
  const dial = () =>
    dialNode(target, {
      self,
      cookie,
      hidden: true,
      portMapperPort: options.portMapperPort ?? portMapperPortFromEnv(),
      fallbackPort: options.distPort,
      tls: options.tls,
      // Connecting gets the call's deadline too; the client serves no calls of its own.
      settings: resolveDistributionSettings({ handshakeTimeoutMs: Math.max(1, deadline - Date.now()) }),
    });
  let connection: NodeConnection | undefined;
  for (let attempt = 1; !connection; attempt++) {
    try {
      connection = await dial();
    } catch (error) {
      // A node under a flood of silent connections from this address may close a handshake that has
      // not shown itself yet (pending-admission.ts): dial again while the deadline allows.
      if (attempt >= MAX_DIALS || Date.now() + RETRY_DELAY_MS >= deadline || !closedDuringHandshake(error)) throw error;
      await new Promise((resolve) => setTimeout(resolve, RETRY_DELAY_MS * attempt));
    }
  }
  return {
    node: target,
    self,
    get closed() {
      return connection.closed;
    },
    call: (service, fn, args = [], callTimeoutMs = timeoutMs) => connection.call(service, fn, args, callTimeoutMs),
    close: () => connection.close(),
  };
}

/** One call on `target` from a hidden client: connect, call service.fn(...args), close. */
export async function callRemote(
  target: string,
  cookie: string,
  service: string,
  fn: string,
  args: readonly unknown[] = [],
  options: RemoteCallOptions = {},
): Promise<unknown> {
  const connection = await connectHidden(target, cookie, options);
  try {
    return await connection.call(service, fn, args);
  } finally {
    connection.close();
  }
}
