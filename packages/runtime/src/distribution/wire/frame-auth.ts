/**
 * Every frame after the handshake is authenticated (the cookie alone proves only the handshake).
 *
 * Session keys: HKDF-SHA256 over the cookie, salted with both challenges and bound to both names,
 * gives one 32-byte key per direction, fresh for each link (the challenges are random), so a frame
 * from one link or one direction is worthless on another.
 *
 * Each frame's payload is followed by a tag: HMAC-SHA256(key, seq ‖ payload) cut to TAG_BYTES, where
 * seq is that direction's frame count (64 bits, never sent: both ends count). An injected frame, a
 * replayed or reordered one, or one whose length or bytes changed fails the check, and so does every
 * frame after a dropped one. A 16-byte tag leaves a forger 2⁻¹²⁸ per try, and the first failed try
 * closes the link (new keys on the next one), so online guessing is hopeless; it costs 16 bytes per
 * frame instead of 32 (NIST SP 800-107 allows truncation to ≥ 64 bits for HMAC).
 *
 * This authenticates; it does not hide the bytes (RELEASE_DIST_TLS does).
 */
import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import type { Transcript } from './handshake-messages.js';

export const TAG_BYTES = 16;
const KEY_BYTES = 32;
const INFO = 'kvrel-dist-2 frame keys';

export interface SessionKeys {
  /** Authenticates what this end sends. */
  readonly send: Buffer;
  /** Checks what this end receives. */
  readonly receive: Buffer;
}

/** Both ends derive the same pair; each sends with the key the other receives with. */
export function deriveSessionKeys(cookie: string, t: Transcript, side: 'initiator' | 'acceptor'): SessionKeys {
  const salt = Buffer.concat([t.acceptorChallenge, t.initiatorChallenge]);
  const names = [t.initiator, t.acceptor].map((name) => {
    const bytes = Buffer.from(name, 'utf8');
    return Buffer.concat([Buffer.from([bytes.length >> 8, bytes.length & 0xff]), bytes]);
  });
  const okm = Buffer.from(hkdfSync('sha256', Buffer.from(cookie, 'utf8'), salt, Buffer.concat([Buffer.from(INFO), ...names]), 2 * KEY_BYTES));
  const initiatorToAcceptor = okm.subarray(0, KEY_BYTES);
  const acceptorToInitiator = okm.subarray(KEY_BYTES);
  return side === 'initiator' ? { send: initiatorToAcceptor, receive: acceptorToInitiator } : { send: acceptorToInitiator, receive: initiatorToAcceptor };
}

/** One direction's tags: the n-th frame through it is tagged (or checked) with sequence number n. */
export class FrameTagger {
  readonly #key: Buffer;
  readonly #seq = Buffer.alloc(8);
  #count = 0;

  constructor(key: Buffer) {
    this.#key = key;
  }

  /** The tag of the next frame; advances the sequence. */
  next(payload: Uint8Array): Buffer {
    this.#seq.writeUInt32BE(Math.floor(this.#count / 0x1_0000_0000), 0);
    this.#seq.writeUInt32BE(this.#count >>> 0, 4);
    this.#count += 1;
    return createHmac('sha256', this.#key).update(this.#seq).update(payload).digest().subarray(0, TAG_BYTES);
  }

  /** The payload of a received frame (payload ‖ tag) when its tag is right; undefined otherwise. */
  open(frame: Buffer): Buffer | undefined {
    if (frame.length < TAG_BYTES) return undefined;
    const payload = frame.subarray(0, frame.length - TAG_BYTES);
    const expected = this.next(payload);
    return timingSafeEqual(expected, frame.subarray(frame.length - TAG_BYTES)) ? payload : undefined;
  }
}

/** The error a link closes with when a frame fails its check; nothing in that frame was acted on. */
export class FrameAuthenticationError extends Error {
  constructor(address: string) {
    super(`a frame from ${address} failed authentication (injected, replayed, reordered or altered on the way)`);
    this.name = 'FrameAuthenticationError';
  }
}
