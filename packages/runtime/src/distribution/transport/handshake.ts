/**
 * The distribution handshake's steps and the two orchestrators, one per side (Erlang's dist_util).
 * The messages, the digest and the protocol are in wire/handshake-messages.ts. Nothing a peer sends
 * before the acceptor has verified its digest is acted on.
 */
import {
  HandshakeError,
  challengeDigest,
  decodeChallengeAck,
  decodeChallengeReply,
  decodeName,
  decodeStatus,
  digestMatches,
  encodeChallengeAck,
  encodeChallengeReply,
  encodeFailure,
  encodeName,
  encodeStatus,
  newChallenge,
  type StatusMessage,
  type Transcript,
} from '../wire/handshake-messages.js';
import { deriveSessionKeys, type SessionKeys } from '../wire/frame-auth.js';
import { withDeadline } from '../../deadline.js';

/** What the handshake needs of a connection: one frame in, one frame out. */
export interface FrameChannel {
  readFrame(): Promise<Buffer>;
  write(payload: Uint8Array): void;
}

// ---- steps -------------------------------------------------------------------------------------

export function sendName(channel: FrameChannel, name: string, hidden: boolean): void {
  channel.write(encodeName(name, hidden));
}

export async function recvName(channel: FrameChannel): Promise<{ name: string; hidden: boolean }> {
  return decodeName(await readStep(channel));
}

export function sendStatus(channel: FrameChannel, message: StatusMessage): void {
  channel.write(encodeStatus(message));
}

export async function recvStatus(channel: FrameChannel): Promise<StatusMessage> {
  return decodeStatus(await readStep(channel));
}

/** Initiator: answers the acceptor's challenge and sends its own. */
export function sendChallengeReply(channel: FrameChannel, cookie: string, transcript: Transcript): void {
  channel.write(encodeChallengeReply(challengeDigest(cookie, 'initiator', transcript), transcript.initiatorChallenge));
}

/** Acceptor: the initiator's digest and challenge; throws when the digest is not the cookie's. */
export async function recvChallengeReply(
  channel: FrameChannel,
  cookie: string,
  names: { initiator: string; acceptor: string; acceptorChallenge: Buffer },
): Promise<Transcript> {
  const reply = decodeChallengeReply(await readStep(channel, names.initiator));
  const transcript = { ...names, initiatorChallenge: reply.challenge };
  if (!digestMatches(challengeDigest(cookie, 'initiator', transcript), reply.digest)) {
    throw new HandshakeError('cookie challenge failed', 'cookie challenge failed', names.initiator);
  }
  return transcript;
}

export function sendChallengeAck(channel: FrameChannel, cookie: string, transcript: Transcript): void {
  channel.write(encodeChallengeAck(challengeDigest(cookie, 'acceptor', transcript)));
}

/** Initiator: checks the acceptor also knows the cookie. */
export async function recvChallengeAck(channel: FrameChannel, cookie: string, transcript: Transcript): Promise<void> {
  const ack = decodeChallengeAck(await readStep(channel, transcript.acceptor));
  if ('failure' in ack) throw new HandshakeError('refused', ack.failure, transcript.acceptor);
  if (!digestMatches(challengeDigest(cookie, 'acceptor', transcript), ack.digest)) {
    throw new HandshakeError('cookie challenge failed', 'it failed the cookie challenge', transcript.acceptor);
  }
}

// ---- orchestrators -----------------------------------------------------------------------------

export interface InitiateOptions {
  readonly self: string;
  readonly cookie: string;
  readonly hidden?: boolean;
  /** The node we meant to reach; another name answering is an error. */
  readonly peer: string;
  /** Deadline of the whole handshake; the caller closes the connection when it passes. */
  readonly timeoutMs: number;
}

/** Runs the initiator's side; resolves once both sides are authenticated, with the link's frame keys. */
export function initiateHandshake(channel: FrameChannel, options: InitiateOptions): Promise<{ peer: string; keys: SessionKeys }> {
  return withHandshakeDeadline(options.timeoutMs, async () => {
    sendName(channel, options.self, options.hidden ?? false);
    const status = await recvStatus(channel);
    if (status.status === 'refused') throw new HandshakeError('refused', `it refused the connection: ${status.reason}`, options.peer);
    if (status.name !== options.peer) {
      throw new HandshakeError('refused', `the node listening there is ${JSON.stringify(status.name)}`, status.name);
    }
    const transcript = { initiator: options.self, acceptor: status.name, acceptorChallenge: status.challenge, initiatorChallenge: newChallenge() };
    sendChallengeReply(channel, options.cookie, transcript);
    await recvChallengeAck(channel, options.cookie, transcript);
    return { peer: status.name, keys: deriveSessionKeys(options.cookie, transcript, 'initiator') };
  });
}

export interface AcceptOptions {
  readonly self: string;
  readonly cookie: string;
  /** A reason to refuse this name before any challenge (e.g. it is our own name); undefined admits it. */
  readonly admit?: (name: string, hidden: boolean) => string | undefined;
  /** Deadline of the whole handshake; the caller closes the connection when it passes. */
  readonly timeoutMs: number;
  /** Deadline of the peer's first frame (its name). */
  readonly firstFrameTimeoutMs: number;
  /** Called once the peer has sent a well-formed name (it is making progress). */
  readonly onName?: (name: string) => void;
}

/** Runs the acceptor's side; rejects with a HandshakeError carrying the name the peer claimed. */
export function acceptHandshake(channel: FrameChannel, options: AcceptOptions): Promise<{ peer: string; hidden: boolean; keys: SessionKeys }> {
  let claimed: string | undefined;
  const firstFrameMs = options.firstFrameTimeoutMs;
  return withHandshakeDeadline(options.timeoutMs, async () => {
    const { name, hidden } = await withDeadline(
      firstFrameMs,
      () => new HandshakeError('no name in time', `it sent no name within ${firstFrameMs} ms`),
      () => recvName(channel),
    ).catch((error: unknown) => {
      // Another protocol version: say so to the peer too (a refused status reads the same in every version).
      if (error instanceof HandshakeError && error.failure === 'refused') sendStatus(channel, { status: 'refused', reason: error.message });
      throw error;
    });
    claimed = name;
    options.onName?.(name);
    const refusal = options.admit?.(name, hidden);
    if (refusal !== undefined) {
      sendStatus(channel, { status: 'refused', reason: refusal });
      throw new HandshakeError('refused', refusal, name);
    }
    const acceptorChallenge = newChallenge();
    sendStatus(channel, { status: 'ok', name: options.self, challenge: acceptorChallenge });
    let transcript: Transcript;
    try {
      transcript = await recvChallengeReply(channel, options.cookie, { initiator: name, acceptor: options.self, acceptorChallenge });
      sendChallengeAck(channel, options.cookie, transcript);
    } catch (error) {
      if (error instanceof HandshakeError && error.failure === 'cookie challenge failed') channel.write(encodeFailure('cookie challenge failed'));
      throw error;
    }
    return { peer: name, hidden, keys: deriveSessionKeys(options.cookie, transcript, 'acceptor') };
  }).catch((error: unknown) => {
    if (error instanceof HandshakeError && error.claimedName === undefined && claimed !== undefined) {
      throw new HandshakeError(error.failure, error.message, claimed);
    }
    throw error;
  });
}

/** The line the accepting node logs when it refuses a peer. */
export function formatRefusal(claimedName: string | undefined, address: string, reason: string): string {
  const who = claimedName === undefined ? 'an unnamed peer' : JSON.stringify(claimedName);
  return `refused connection from ${who} (${address}): ${reason}`;
}

async function readStep(channel: FrameChannel, claimedName?: string): Promise<Buffer> {
  try {
    return await channel.readFrame();
  } catch (error) {
    if (error instanceof Error && (error as { code?: string }).code === 'DIST_FRAME_TOO_LARGE') {
      throw new HandshakeError('malformed handshake', 'malformed handshake', claimedName);
    }
    throw new HandshakeError('closed', 'the connection closed during the handshake', claimedName);
  }
}

/** The handshake's deadline; the caller closes the connection when it passes. */
function withHandshakeDeadline<T>(timeoutMs: number, run: () => Promise<T>): Promise<T> {
  return withDeadline(timeoutMs, () => new HandshakeError('handshake timed out', `the handshake took more than ${timeoutMs} ms`), run);
}
