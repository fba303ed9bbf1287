/**
 * The distribution handshake: two nodes prove to each other that they know the cookie, which never
 * crosses the wire (Erlang's dist_util: send_name → send_status/challenge → challenge_reply →
 * challenge_ack, with HMAC-SHA256 in place of MD5). One function per step, then one orchestrator
 * per side. Each message is one frame of at most HANDSHAKE_MAX_FRAME_BYTES:
 *
 *   initiator → acceptor  'N' version flags name            flags bit 0: hidden node
 *   acceptor → initiator  'S' 0 challenge[32] name           (status ok)
 *                         'S' 1 reason                       (refused; the acceptor closes)
 *   initiator → acceptor  'R' digest[32] challenge[32]       digest = HMAC(cookie, "initiator" transcript)
 *   acceptor → initiator  'A' digest[32]                     digest = HMAC(cookie, "acceptor" transcript)
 *                         'F' reason                         (refused after a wrong digest)
 *
 * The transcript is both names and both challenges; the direction label differs, so a digest one
 * side computed cannot be reflected back as the other side's. Nothing a peer sends before the
 * acceptor has verified its digest is acted on, and no serializer sees unauthenticated bytes.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { splitNodeName } from './node-name.js';

export const HANDSHAKE_VERSION = 1;
export const HANDSHAKE_MAX_FRAME_BYTES = 1024;
export const HANDSHAKE_TIMEOUT_MS = 5000;
export const CHALLENGE_BYTES = 32;
export const DIGEST_BYTES = 32;
const LABEL = 'kvrel-dist-1';
const TAG = { name: 0x4e, status: 0x53, reply: 0x52, ack: 0x41, failure: 0x46 } as const;

/** What the handshake needs of a connection: one frame in, one frame out. */
export interface FrameChannel {
  readFrame(): Promise<Buffer>;
  write(payload: Uint8Array): void;
}

export type HandshakeFailure = 'malformed handshake' | 'cookie challenge failed' | 'refused' | 'handshake timed out' | 'closed';

export class HandshakeError extends Error {
  readonly failure: HandshakeFailure;
  readonly claimedName: string | undefined;
  constructor(failure: HandshakeFailure, message: string, claimedName?: string) {
    super(message);
    this.name = 'HandshakeError';
    this.failure = failure;
    this.claimedName = claimedName;
  }
}

export interface Transcript {
  readonly initiator: string;
  readonly acceptor: string;
  readonly initiatorChallenge: Uint8Array;
  readonly acceptorChallenge: Uint8Array;
}

export function newChallenge(): Buffer {
  return randomBytes(CHALLENGE_BYTES);
}

/** HMAC-SHA256 over the direction label, both names and both challenges, keyed by the cookie. */
export function challengeDigest(cookie: string, direction: 'initiator' | 'acceptor', t: Transcript): Buffer {
  const hmac = createHmac('sha256', cookie);
  hmac.update(`${LABEL} ${direction}\0`);
  for (const name of [t.initiator, t.acceptor]) {
    const bytes = Buffer.from(name, 'utf8');
    hmac.update(Buffer.from([bytes.length >> 8, bytes.length & 0xff]));
    hmac.update(bytes);
  }
  hmac.update(t.acceptorChallenge);
  hmac.update(t.initiatorChallenge);
  return hmac.digest();
}

export function digestMatches(expected: Buffer, received: Uint8Array): boolean {
  return received.length === expected.length && timingSafeEqual(expected, received);
}

// ---- messages (pure) ---------------------------------------------------------------------------

export function encodeName(name: string, hidden: boolean): Buffer {
  return Buffer.concat([Buffer.from([TAG.name, HANDSHAKE_VERSION, hidden ? 1 : 0]), Buffer.from(name, 'utf8')]);
}

export function decodeName(frame: Buffer): { name: string; hidden: boolean } {
  if (frame.length < 4 || frame[0] !== TAG.name || frame[1] !== HANDSHAKE_VERSION || (frame[2]! & ~1) !== 0) throw malformed();
  const name = frame.subarray(3).toString('utf8');
  try {
    splitNodeName(name);
  } catch {
    throw malformed();
  }
  return { name, hidden: (frame[2]! & 1) === 1 };
}

export type StatusMessage = { status: 'ok'; name: string; challenge: Buffer } | { status: 'refused'; reason: string };

export function encodeStatus(message: StatusMessage): Buffer {
  if (message.status === 'refused') return Buffer.concat([Buffer.from([TAG.status, 1]), Buffer.from(message.reason, 'utf8')]);
  return Buffer.concat([Buffer.from([TAG.status, 0]), message.challenge, Buffer.from(message.name, 'utf8')]);
}

export function decodeStatus(frame: Buffer): StatusMessage {
  if (frame.length < 2 || frame[0] !== TAG.status) throw malformed();
  if (frame[1] === 1) return { status: 'refused', reason: frame.subarray(2).toString('utf8') };
  if (frame[1] !== 0 || frame.length < 3 + CHALLENGE_BYTES) throw malformed();
  const name = frame.subarray(2 + CHALLENGE_BYTES).toString('utf8');
  try {
    splitNodeName(name);
  } catch {
    throw malformed();
  }
  return { status: 'ok', challenge: Buffer.from(frame.subarray(2, 2 + CHALLENGE_BYTES)), name };
}

export function encodeChallengeReply(digest: Uint8Array, challenge: Uint8Array): Buffer {
  return Buffer.concat([Buffer.from([TAG.reply]), digest, challenge]);
}

export function decodeChallengeReply(frame: Buffer): { digest: Buffer; challenge: Buffer } {
  if (frame.length !== 1 + DIGEST_BYTES + CHALLENGE_BYTES || frame[0] !== TAG.reply) throw malformed();
  return { digest: frame.subarray(1, 1 + DIGEST_BYTES), challenge: frame.subarray(1 + DIGEST_BYTES) };
}

export function encodeChallengeAck(digest: Uint8Array): Buffer {
  return Buffer.concat([Buffer.from([TAG.ack]), digest]);
}

export function encodeFailure(reason: string): Buffer {
  return Buffer.concat([Buffer.from([TAG.failure]), Buffer.from(reason, 'utf8')]);
}

/** An ack's digest, or the acceptor's failure reason. */
export function decodeChallengeAck(frame: Buffer): { digest: Buffer } | { failure: string } {
  if (frame.length >= 1 && frame[0] === TAG.failure) return { failure: frame.subarray(1).toString('utf8') };
  if (frame.length !== 1 + DIGEST_BYTES || frame[0] !== TAG.ack) throw malformed();
  return { digest: frame.subarray(1) };
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
  readonly timeoutMs?: number;
}

/** Runs the initiator's side; resolves once both sides are authenticated. */
export function initiateHandshake(channel: FrameChannel, options: InitiateOptions): Promise<{ peer: string }> {
  return withDeadline(options.timeoutMs, async () => {
    sendName(channel, options.self, options.hidden ?? false);
    const status = await recvStatus(channel);
    if (status.status === 'refused') throw new HandshakeError('refused', `it refused the connection: ${status.reason}`, options.peer);
    if (status.name !== options.peer) {
      throw new HandshakeError('refused', `the node listening there is ${JSON.stringify(status.name)}`, status.name);
    }
    const transcript = { initiator: options.self, acceptor: status.name, acceptorChallenge: status.challenge, initiatorChallenge: newChallenge() };
    sendChallengeReply(channel, options.cookie, transcript);
    await recvChallengeAck(channel, options.cookie, transcript);
    return { peer: status.name };
  });
}

export interface AcceptOptions {
  readonly self: string;
  readonly cookie: string;
  /** A reason to refuse this name before any challenge (e.g. it is our own name); undefined admits it. */
  readonly admit?: (name: string, hidden: boolean) => string | undefined;
  readonly timeoutMs?: number;
}

/** Runs the acceptor's side; rejects with a HandshakeError carrying the name the peer claimed. */
export function acceptHandshake(channel: FrameChannel, options: AcceptOptions): Promise<{ peer: string; hidden: boolean }> {
  let claimed: string | undefined;
  return withDeadline(options.timeoutMs, async () => {
    const { name, hidden } = await recvName(channel);
    claimed = name;
    const refusal = options.admit?.(name, hidden);
    if (refusal !== undefined) {
      sendStatus(channel, { status: 'refused', reason: refusal });
      throw new HandshakeError('refused', refusal, name);
    }
    const acceptorChallenge = newChallenge();
    sendStatus(channel, { status: 'ok', name: options.self, challenge: acceptorChallenge });
    try {
      const transcript = await recvChallengeReply(channel, options.cookie, { initiator: name, acceptor: options.self, acceptorChallenge });
      sendChallengeAck(channel, options.cookie, transcript);
    } catch (error) {
      if (error instanceof HandshakeError && error.failure === 'cookie challenge failed') channel.write(encodeFailure('cookie challenge failed'));
      throw error;
    }
    return { peer: name, hidden };
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

function malformed(): HandshakeError {
  return new HandshakeError('malformed handshake', 'malformed handshake');
}

function withDeadline<T>(timeoutMs: number | undefined, run: () => Promise<T>): Promise<T> {
  const ms = timeoutMs ?? HANDSHAKE_TIMEOUT_MS;
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new HandshakeError('handshake timed out', `the handshake took more than ${ms} ms`)), ms);
  });
  return Promise.race([run(), deadline]).finally(() => clearTimeout(timer));
}
