/**
 * Distribution errors are data ({ code, node, ... }) turned into one line of text by
 * formatDistributionError, as OTP's format_error does. Every message names the node (or the name)
 * it is about and never carries the cookie. Every code here is listed in docs/errors.md.
 */
import { CodedError } from '../coded-error.js';

/**
 * What a failed dial says about the peer: "absent" (nothing runs there: no port mapper, no such
 * name, connection refused), "hung" (something accepted but did not answer in time).
 */
export type PeerState = 'absent' | 'hung';

export type DistributionErrorData =
  | { code: 'DIST_BAD_NAME'; name: string; reason: string }
  | { code: 'DIST_BAD_MODE'; mode: unknown }
  | { code: 'DIST_BAD_PORT'; variable: string; value: unknown }
  | { code: 'DIST_BAD_COOKIE'; reason: string }
  | { code: 'DIST_BAD_NET_TICKTIME'; value: unknown }
  | { code: 'DIST_NAME_IN_USE'; name: string; owner?: string }
  | { code: 'DIST_NODE_DOWN'; node: string; reason: string; state?: PeerState }
  | { code: 'DIST_NODE_WENT_AWAY'; node: string; request: string; reason?: string }
  | { code: 'DIST_SEND_QUEUE_FULL'; node: string; request: string; queuedBytes: number; limit: number }
  | { code: 'DIST_CALL_TIMEOUT'; node: string; request: string; timeoutMs: number }
  | { code: 'DIST_HANDSHAKE_FAILED'; node: string; reason: string; state?: PeerState }
  | { code: 'DIST_FRAME_TOO_LARGE'; size: number; max: number }
  | { code: 'DIST_PORT_MAPPER_UNAVAILABLE'; address: string; reason: string }
  | { code: 'DIST_NOT_STARTED'; node: string; state: 'not started' | 'stopped' }
  | { code: 'DIST_LISTEN_FAILED'; node: string; address: string; reason: string }
  | { code: 'DIST_BAD_TLS_CONFIG'; file: string; reason: string }
  | { code: 'DIST_PORT_MAPPER_UNTRUSTED'; address: string; owner: string; pid?: number | undefined }
  | { code: 'DIST_BAD_ADDRESS'; source: string; value: unknown };

export type DistributionErrorCode = DistributionErrorData['code'];

/** One message per code: the catalog, and the list of codes docs/errors.md documents. */
const messages: { readonly [C in DistributionErrorCode]: (error: Extract<DistributionErrorData, { code: C }>) => string } = {
  DIST_BAD_NAME: (error) => `node name ${q(error.name)} is not valid: ${error.reason}`,
  DIST_BAD_MODE: (error) => `RELEASE_DISTRIBUTION must be one of sname, name, none (got ${JSON.stringify(error.mode)})`,
  DIST_BAD_PORT: (error) =>
    `${error.variable} must be a port number from ${error.variable === 'KVREL_PORT_MAPPER_PORT' ? 1 : 0} to 65535 (got ${JSON.stringify(error.value)})`,
  DIST_BAD_COOKIE: (error) => `the cookie ${error.reason}; set RELEASE_COOKIE or write releases/COOKIE`,
  DIST_BAD_NET_TICKTIME: (error) => `kernel.netTicktime must be a number of seconds greater than 0 (got ${JSON.stringify(error.value) ?? String(error.value)})`,
  DIST_NAME_IN_USE: (error) => `node name ${q(error.name)} is already in use on this host${error.owner === undefined ? '' : ` (it belongs to ${error.owner})`}`,
  DIST_NODE_DOWN: (error) => `node ${q(error.node)} is not reachable (${error.reason})`,
  DIST_NODE_WENT_AWAY: (error) => `node ${q(error.node)} went away while handling ${q(error.request)}${error.reason === undefined ? '' : ` (${error.reason})`}`,
  DIST_SEND_QUEUE_FULL: (error) =>
    `node ${q(error.node)} is not reading what this node sends (${error.queuedBytes} bytes wait for it, the limit is ${error.limit}); ` +
    `${q(error.request)} was not sent`,
  DIST_CALL_TIMEOUT: (error) => `node ${q(error.node)} did not reply to ${q(error.request)} within ${error.timeoutMs} ms`,
  DIST_HANDSHAKE_FAILED: (error) => `could not connect to node ${q(error.node)}: ${error.reason}`,
  DIST_FRAME_TOO_LARGE: (error) => `a peer announced a frame of ${error.size} bytes, more than the limit of ${error.max} bytes`,
  DIST_PORT_MAPPER_UNAVAILABLE: (error) => `the port mapper at ${error.address} is not available (${error.reason})`,
  DIST_NOT_STARTED: (error) => `node ${q(error.node)} is not reachable (distribution is ${error.state} on this node)`,
  DIST_LISTEN_FAILED: (error) =>
    `node ${q(error.node)} could not listen for other nodes on ${error.address}: ${error.reason}; set KVREL_DIST_PORT to a free port or leave it unset`,
  DIST_BAD_TLS_CONFIG: (error) =>
    `RELEASE_DIST_TLS file ${error.file}: ${error.reason}; it must be JSON like {"cert": "node.pem", "key": "node.key", "ca": "ca.pem"}`,
  DIST_PORT_MAPPER_UNTRUSTED: (error) =>
    `the port mapper at ${error.address} is run by ${error.owner}${error.pid === undefined ? '' : ` (pid ${error.pid})`}, not by root: a node run by ` +
    `root uses only a port mapper run by root; stop that mapper and start this node again (it starts its own)`,
  DIST_BAD_ADDRESS: (error) => `${error.source} must be an IP address such as 127.0.0.1 (got ${JSON.stringify(error.value) ?? String(error.value)})`,
};

export const DISTRIBUTION_ERROR_CODES = Object.keys(messages) as readonly DistributionErrorCode[];

export function formatDistributionError(error: DistributionErrorData): string {
  return (messages[error.code] as (data: DistributionErrorData) => string)(error);
}

/** An Error carrying distribution error data; its message is formatDistributionError(data). */
export class DistributionError extends CodedError<DistributionErrorCode> {
  readonly data: DistributionErrorData;
  constructor(data: DistributionErrorData) {
    super(data.code, formatDistributionError(data));
    this.name = 'DistributionError';
    this.data = data;
  }
}

/** The peer (or its host's port mapper) accepted but did not answer: waiting on it again costs the whole timeout. */
export function peerHangs(error: unknown): boolean {
  return error instanceof DistributionError && 'state' in error.data && error.data.state === 'hung';
}

/** Nothing runs where the peer should be (as opposed to a peer that hangs or refuses us). */
export function peerAbsent(error: unknown): boolean {
  return error instanceof DistributionError && 'state' in error.data && error.data.state === 'absent';
}

export function isDistributionError(error: unknown, code?: DistributionErrorCode): error is DistributionError {
  return error instanceof DistributionError && (code === undefined || error.code === code);
}

/**
 * An error thrown by the function a remote node ran for us. The message is the remote's, unchanged
 * (kv turns it into `ERROR <reason>`); `code` is the remote error's code when it had one.
 */
export class RemoteCallError extends Error {
  readonly node: string;
  readonly code: string | undefined;
  constructor(node: string, message: string, code: string | undefined) {
    super(message);
    this.name = 'RemoteCallError';
    this.node = node;
    this.code = code;
  }
}

function q(s: string): string {
  return JSON.stringify(s);
}
