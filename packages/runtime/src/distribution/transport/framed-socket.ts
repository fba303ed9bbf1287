/**
 * A byte stream (a TCP socket, or one end of stream.duplexPair() in tests) seen as frames.
 *
 * Reading has two modes. During the handshake the owner pulls one frame at a time with
 * readFrame(); the stream stays paused in between, so a peer cannot make us buffer more than one
 * frame (at the handshake's small limit) before it has proved it knows the cookie. Once
 * authenticated, startReading(onFrame) pushes every frame, starting with any already buffered.
 *
 * Writes made in the same tick share one cork/uncork, so many concurrent calls leave in one
 * writev. queuedBytes tells the owner how much waits for the peer (NodeConnection refuses new calls
 * past its send-queue limit); a peer that stops reading while frames keep coming anyway (replies to
 * calls it already sent) is dropped once more than maxWriteBufferBytes are queued, so it cannot
 * grow this process's memory.
 *
 * After the handshake the owner calls authenticate(keys): from then on every frame written carries
 * its tag and every frame read must carry a right one (wire/frame-auth.ts); the first that does not
 * closes the stream with a FrameAuthenticationError before anything reads it.
 */
import type { Duplex } from 'node:stream';
import { DEFAULT_MAX_FRAME_BYTES, FrameDecoder, encodeFrameHeader } from '../wire/frame.js';
import { FrameAuthenticationError, FrameTagger, TAG_BYTES, type SessionKeys } from '../wire/frame-auth.js';

/** Queued for one peer past which it is dropped (one frame may go over it: the check comes before each frame). */
export const DEFAULT_MAX_WRITE_BUFFER_BYTES = 32 * 1024 * 1024;
const END_GRACE_MS = 1000;

interface SocketLike {
  remoteAddress?: string | undefined;
  remotePort?: number | undefined;
}

export interface FramedSocketOptions {
  readonly maxFrameBytes?: number;
  readonly maxWriteBufferBytes?: number;
  /** `address:port` for log lines; default the stream's own. */
  readonly remoteAddress?: string;
}

/** `address:port` of a socket's peer, or "unknown address" (a stream pair in tests). */
export function remoteAddressOf(stream: Duplex): string {
  const socket = stream as Duplex & SocketLike;
  if (socket.remoteAddress === undefined) return 'unknown address';
  return socket.remotePort === undefined ? socket.remoteAddress : `${socket.remoteAddress}:${socket.remotePort}`;
}

export class FramedSocket {
  readonly stream: Duplex;
  readonly #decoder: FrameDecoder;
  readonly #maxWriteBufferBytes: number;
  #waiter: { resolve(frame: Buffer): void; reject(error: Error): void } | undefined;
  #onFrame: ((frame: Buffer) => void) | undefined;
  #closed = false;
  #closeError: Error | undefined;
  #closeListeners: ((error: Error | undefined) => void)[] = [];
  #corked = false;
  #bytesReceived = 0;
  #sendTags: FrameTagger | undefined;
  #receiveTags: FrameTagger | undefined;
  readonly #remoteAddress: string;

  constructor(stream: Duplex, options: FramedSocketOptions = {}) {
    this.stream = stream;
    this.#decoder = new FrameDecoder({ maxFrameBytes: options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES });
    this.#maxWriteBufferBytes = options.maxWriteBufferBytes ?? DEFAULT_MAX_WRITE_BUFFER_BYTES;
    this.#remoteAddress = options.remoteAddress ?? remoteAddressOf(stream);
    stream.on('data', (chunk: Buffer) => {
      this.#bytesReceived += chunk.length;
      this.#decoder.push(chunk);
      this.#drain();
    });
    stream.on('end', () => this.destroy());
    stream.on('error', (error: Error) => this.destroy(error));
    stream.on('close', () => this.#markClosed(undefined));
    stream.pause();
  }

  /** `address:port` of the peer, for log lines (kept after the stream closes). */
  get remoteAddress(): string {
    return this.#remoteAddress;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Bytes read from the peer so far (the failure detector's sign of life). */
  get bytesReceived(): number {
    return this.#bytesReceived;
  }

  /** Bytes written but not yet handed to the operating system. */
  get queuedBytes(): number {
    return this.stream.writableLength;
  }

  /** The largest frame this end accepts (and, as both ends share the default, sends). */
  get maxFrameBytes(): number {
    return this.#decoder.maxFrameBytes;
  }

  set maxFrameBytes(value: number) {
    this.#decoder.maxFrameBytes = value;
  }

  /** Tags every frame from now on and checks every frame read from now on (call before startReading). */
  authenticate(keys: SessionKeys): void {
    this.#sendTags = new FrameTagger(keys.send);
    this.#receiveTags = new FrameTagger(keys.receive);
  }

  /** Pull mode: the next frame. Rejects when the stream closes or a frame is too large. */
  readFrame(): Promise<Buffer> {
    if (this.#onFrame) return Promise.reject(new Error('readFrame() after startReading()'));
    if (this.#waiter) return Promise.reject(new Error('readFrame() while another read is pending'));
    try {
      const frame = this.#decoder.next();
      if (frame) return Promise.resolve(frame);
    } catch (error) {
      this.destroy(error as Error);
    }
    if (this.#closed) return Promise.reject(this.#closeError ?? new Error('the connection closed'));
    return new Promise((resolve, reject) => {
      this.#waiter = { resolve, reject };
      this.stream.resume();
    });
  }

  /** Push mode: every frame from now on, buffered ones first. */
  startReading(onFrame: (frame: Buffer) => void): void {
    this.#onFrame = onFrame;
    this.#drain();
    if (!this.#closed) this.stream.resume();
  }

  /** Queues one frame; frames written in the same tick leave together. */
  write(payload: Uint8Array): void {
    if (this.#closed) return;
    if (!this.#corked) {
      this.#corked = true;
      this.stream.cork();
      process.nextTick(() => {
        this.#corked = false;
        this.stream.uncork();
      });
    }
    if (this.stream.writableLength > this.#maxWriteBufferBytes) {
      this.destroy(new Error(`the peer is not reading (more than ${this.#maxWriteBufferBytes} bytes queued)`));
      return;
    }
    if (this.#sendTags) {
      this.stream.write(encodeFrameHeader(payload.length + TAG_BYTES));
      this.stream.write(payload);
      this.stream.write(this.#sendTags.next(payload));
      return;
    }
    this.stream.write(encodeFrameHeader(payload.length));
    this.stream.write(payload);
  }

  /** Calls `listener` once when the stream is gone, with the error that closed it, if any. */
  onClose(listener: (error: Error | undefined) => void): void {
    if (this.#closed) queueMicrotask(() => listener(this.#closeError));
    else this.#closeListeners.push(listener);
  }

  /** Flushes what was written, then closes (destroying the stream if the peer lingers). */
  end(): void {
    if (this.#closed) return;
    if (this.#corked) {
      this.#corked = false;
      this.stream.uncork();
    }
    this.stream.end();
    setTimeout(() => this.destroy(), END_GRACE_MS).unref();
  }

  destroy(error?: Error): void {
    this.#markClosed(error);
    this.stream.destroy();
  }

  #drain(): void {
    try {
      while (!this.#closed) {
        if (this.#onFrame) {
          const frame = this.#decoder.next();
          if (!frame) return;
          const payload = this.#receiveTags ? this.#receiveTags.open(frame) : frame;
          if (!payload) return void this.destroy(new FrameAuthenticationError(this.#remoteAddress));
          this.#onFrame(payload);
        } else {
          const waiter = this.#waiter;
          if (!waiter) {
            this.stream.pause();
            return;
          }
          const frame = this.#decoder.next();
          if (!frame) return;
          this.#waiter = undefined;
          this.stream.pause();
          waiter.resolve(frame);
          return;
        }
      }
    } catch (error) {
      this.destroy(error as Error);
    }
  }

  #markClosed(error: Error | undefined): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#closeError = error;
    const waiter = this.#waiter;
    this.#waiter = undefined;
    waiter?.reject(error ?? new Error('the connection closed'));
    const listeners = this.#closeListeners;
    this.#closeListeners = [];
    for (const listener of listeners) listener(error);
  }
}
