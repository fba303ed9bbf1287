/**
 * Who may register a name with the port mapper, and how many: a connection from this host, by any
 * local OS user (as with epmd, so services of several users share the host's mapper), a valid name
 * and port, and at most maxNamesPerUser names per user. A name belongs to the user that registered
 * it: no other user takes it while it is registered, nor for nameHoldMs after (a node's restart
 * is not a window for another user to divert its name). On Linux, peer-user.ts reads which user
 * opened a connection; off Linux, where it cannot be read, only the host check applies.
 */
import { peerUser, type PeerUser, type SocketEnds } from './peer-user.js';

const NAME_PART = /^[A-Za-z0-9_-]+$/;
export const DEFAULT_MAX_NAMES_PER_USER = 256;
export const DEFAULT_NAME_HOLD_MS = 30_000;

export interface RegisterPolicyOptions {
  /** How long a name stays reserved for its user after its registration ends; default 30 s. */
  readonly nameHoldMs?: number;
  readonly maxNamesPerUser?: number;
  /** How to tell who opened a connection (tests replace it). */
  readonly identifyPeer?: (socket: SocketEnds) => Promise<PeerUser>;
}

export class RegisterPolicy {
  readonly #usersExist = process.getuid !== undefined;
  readonly nameHoldMs: number;
  readonly #maxNamesPerUser: number;
  readonly #identify: (socket: SocketEnds) => Promise<PeerUser>;

  constructor(options: RegisterPolicyOptions = {}) {
    this.nameHoldMs = options.nameHoldMs ?? DEFAULT_NAME_HOLD_MS;
    this.#maxNamesPerUser = options.maxNamesPerUser ?? DEFAULT_MAX_NAMES_PER_USER;
    this.#identify = options.identifyPeer ?? ((socket) => peerUser(socket));
  }

  /** The host, the name and the port; undefined when they are fine. */
  checkRequest(socket: SocketEnds, name: string, portText: string): string | undefined {
    if (!isLoopback(socket.remoteAddress)) return 'nodes register from this host only';
    if (!NAME_PART.test(name)) return `node name ${JSON.stringify(name)} is not valid; use letters, digits, "_" and "-"`;
    const port = Number(portText);
    if (!/^\d+$/.test(portText) || port < 1 || port > 65535) return `port ${JSON.stringify(portText)} is not a port number`;
    return undefined;
  }

  /** The registering user (undefined where users cannot be told apart), or why it cannot be told. */
  async checkUser(socket: SocketEnds): Promise<{ uid: number | undefined } | { refusal: string }> {
    if (!this.#usersExist) return { uid: undefined }; // no users here (Windows)
    const user = await this.#identify(socket);
    if ('unknown' in user) {
      // Without /proc (not Linux) there is nothing to check against: the host check stands alone.
      return user.unknown.includes('cannot be read') ? { uid: undefined } : { refusal: `could not tell which user opened this connection (${user.unknown})` };
    }
    return { uid: user.uid };
  }

  /** Refuses a name another user registered, or released less than nameHoldMs ago (`holder`). */
  checkOwner(name: string, uid: number | undefined, holder: number | undefined): string | undefined {
    if (holder === undefined || holder === uid) return undefined;
    return `node name ${JSON.stringify(name)} belongs to user ${holder}; user ${uid ?? '(unknown)'} cannot take it over`;
  }

  /** Refuses a user's name past its quota (`held` names already registered by it). */
  checkCount(uid: number | undefined, held: number): string | undefined {
    if (held < this.#maxNamesPerUser) return undefined;
    return `user ${uid ?? '(unknown)'} already registered ${held} names, the most one user may`;
  }
}

function isLoopback(address: string | undefined): boolean {
  if (address === undefined) return false;
  return address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.');
}
