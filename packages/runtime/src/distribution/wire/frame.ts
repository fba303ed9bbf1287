/**
 * Length-prefixed frames: a 4-byte big-endian payload length, then the payload. Pure: no sockets.
 *
 * FrameDecoder takes chunks as they come off a socket (split anywhere, even inside the length) and
 * hands out whole payloads one at a time, so the caller can change the limit between two frames
 * (the handshake allows 1 KiB, an authenticated connection 64 MiB). A frame announcing more than
 * the limit is an error before any of its payload is buffered; the caller closes the connection.
 */
import { DistributionError } from '../errors.js';

export const FRAME_HEADER_BYTES = 4;
/** Default limit of an authenticated connection's frames. */
export const DEFAULT_MAX_FRAME_BYTES = 64 * 1024 * 1024;
/** The largest length the 4-byte header can carry. */
export const MAX_ENCODABLE_FRAME_BYTES = 0xffff_ffff;

export function encodeFrameHeader(payloadBytes: number): Buffer {
  if (!Number.isInteger(payloadBytes) || payloadBytes < 0 || payloadBytes > MAX_ENCODABLE_FRAME_BYTES) {
    throw new RangeError(`frame payload length must be an integer from 0 to ${MAX_ENCODABLE_FRAME_BYTES} (got ${payloadBytes})`);
  }
  const header = Buffer.allocUnsafe(FRAME_HEADER_BYTES);
  header.writeUInt32BE(payloadBytes, 0);
  return header;
}

/** Header and payload in one buffer. */
export function encodeFrame(payload: Uint8Array): Buffer {
  const frame = Buffer.allocUnsafe(FRAME_HEADER_BYTES + payload.length);
  frame.writeUInt32BE(payload.length, 0);
  frame.set(payload, FRAME_HEADER_BYTES);
  return frame;
}

export class FrameDecoder {
  #maxFrameBytes: number;
  #chunks: Buffer[] = [];
  #buffered = 0;
  /** Payload length of the frame being read, once its header is complete. */
  #expected: number | undefined;

  constructor(options: { maxFrameBytes?: number } = {}) {
    this.#maxFrameBytes = options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
  }

  get maxFrameBytes(): number {
    return this.#maxFrameBytes;
  }

  /** Applies from the next frame whose header is not read yet (and to a header already read). */
  set maxFrameBytes(value: number) {
    this.#maxFrameBytes = value;
  }

  /** Bytes received and not yet handed out. */
  get bufferedBytes(): number {
    return this.#buffered;
  }

  push(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    this.#chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length));
    this.#buffered += chunk.length;
  }

  /** The next whole payload, or undefined until more bytes arrive. Throws DIST_FRAME_TOO_LARGE. */
  next(): Buffer | undefined {
    if (this.#expected === undefined) {
      if (this.#buffered < FRAME_HEADER_BYTES) return undefined;
      this.#expected = this.#take(FRAME_HEADER_BYTES).readUInt32BE(0);
    }
    if (this.#expected > this.#maxFrameBytes) {
      throw new DistributionError({ code: 'DIST_FRAME_TOO_LARGE', size: this.#expected, max: this.#maxFrameBytes });
    }
    if (this.#buffered < this.#expected) return undefined;
    const payload = this.#take(this.#expected);
    this.#expected = undefined;
    return payload;
  }

  /** Removes and returns the first `n` buffered bytes (n ≤ buffered); copies only across chunks. */
  #take(n: number): Buffer {
    this.#buffered -= n;
    const first = this.#chunks[0];
    if (n === 0) return Buffer.alloc(0);
    if (first !== undefined && first.length >= n) {
      if (first.length === n) this.#chunks.shift();
      else this.#chunks[0] = first.subarray(n);
      return first.subarray(0, n);
    }
    const out = Buffer.allocUnsafe(n);
    let filled = 0;
    while (filled < n) {
      const chunk = this.#chunks[0]!;
      const used = Math.min(chunk.length, n - filled);
      chunk.copy(out, filled, 0, used);
      filled += used;
      if (used === chunk.length) this.#chunks.shift();
      else this.#chunks[0] = chunk.subarray(used);
    }
    return out;
  }
}
