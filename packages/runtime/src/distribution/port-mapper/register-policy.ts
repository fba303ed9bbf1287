/**
 * Who may register a name with the port mapper, and how many: a connection from this host, opened
 * by the mapper's own OS user or by root (peer-user.ts reads the owner of the peer's socket on
 * Linux), a valid name and port, and at most maxNamesPerUser names per user. Off Linux, where the
 * socket's owner cannot be read, only the host check applies.
 */
import { peerUser, type PeerUser, type SocketEnds } from './peer-user.js';

const NAME_PART = /^[A-Za-z0-9_-]+$/;
export const DEFAULT_MAX_NAMES_PER_USER = 256;

export interface RegisterPolicyOptions {
  /** The user whose nodes may register (with root); default this process's user. */
  readonly ownerUid?: number | undefined;
  readonly maxNamesPerUser?: number;
  /** How to tell who opened a connection (tests replace it). */
  readonly identifyPeer?: (socket: SocketEnds) => Promise<PeerUser>;
}

export class RegisterPolicy {
  readonly #ownerUid: number | undefined;
  readonly #maxNamesPerUser: number;
  readonly #identify: (socket: SocketEnds) => Promise<PeerUser>;

  constructor(options: RegisterPolicyOptions = {}) {
    this.#ownerUid = options.ownerUid ?? process.getuid?.();
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

  /** The registering user, or why it may not register. */
  async checkUser(socket: SocketEnds): Promise<{ uid: number | undefined } | { refusal: string }> {
    if (this.#ownerUid === undefined) return { uid: undefined }; // no users here (Windows)
    const user = await this.#identify(socket);
    if ('unknown' in user) {
      // Without /proc (not Linux) there is nothing to check against: the host check stands alone.
      return user.unknown.includes('cannot be read') ? { uid: undefined } : { refusal: `could not tell which user opened this connection (${user.unknown})` };
    }
    if (user.uid !== this.#ownerUid && user.uid !== 0) {
      return { refusal: `only user ${this.#ownerUid} (the port mapper's) and root may register; this connection belongs to user ${user.uid}` };
    }
    return { uid: user.uid };
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
