/**
 * The distribution handshake: two nodes prove to each other that they know the cookie, which never
 * crosses the wire (Erlang's dist_util: send_name → send_status/challenge → challenge_reply →
 * challenge_ack, with HMAC-SHA256 in place of MD5). This file is the wire format, pure: the messages
 * and the digest; the steps and the two orchestrators are in transport/handshake.ts. Each message is
 * one frame of at most HANDSHAKE_MAX_FRAME_BYTES:
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
 * acceptor has verified its digest is acted on, and no serializer sees unauthenticated bytes. The
 * same transcript keys the tags of every later frame (frame-auth.ts). A name frame of another
 * version is refused with a status naming both versions.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { splitNodeName } from '../node-name.js';

/** 2: every frame after the handshake carries a tag (wire/frame-auth.ts). */
export const HANDSHAKE_VERSION = 2;
export const HANDSHAKE_MAX_FRAME_BYTES = 1024;
export const CHALLENGE_BYTES = 32;
export const DIGEST_BYTES = 32;
const LABEL = 'kvrel-dist-1';
const TAG = { name: 0x4e, status: 0x53, reply: 0x52, ack: 0x41, failure: 0x46 } as const;

export type HandshakeFailure =
  | 'malformed handshake'
  | 'cookie challenge failed'
  | 'refused'
  | 'no name in time'
  | 'handshake timed out'
  | 'closed'
  | 'TLS handshake failed';

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

export function encodeName(name: string, hidden: boolean): Buffer {
  return Buffer.concat([Buffer.from([TAG.name, HANDSHAKE_VERSION, hidden ? 1 : 0]), Buffer.from(name, 'utf8')]);
}

export function decodeName(frame: Buffer): { name: string; hidden: boolean } {
  if (frame.length >= 4 && frame[0] === TAG.name && frame[1] !== HANDSHAKE_VERSION) {
    throw new HandshakeError('refused', `distribution protocol ${frame[1]} offered, ${HANDSHAKE_VERSION} required (run the same kvrel version on every node)`);
  }
  if (frame.length < 4 || frame[0] !== TAG.name || (frame[2]! & ~1) !== 0) throw malformed();
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

function malformed(): HandshakeError {
  return new HandshakeError('malformed handshake', 'malformed handshake');
}
