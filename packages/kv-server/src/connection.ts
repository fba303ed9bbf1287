/**
 * One client over any Duplex (a net.Socket, or one side of stream.duplexPair() in tests):
 * read → line reader → parseCommand → runCommand → write, with replies strictly in request order,
 * also for many commands in one packet (SPEC §7).
 *
 * - Sync replies of one read chunk are joined and written once; an async reply (a bucket on another
 *   node) holds the replies after it in a queue until it settles.
 * - A line over maxLineBytes is answered `ERROR line too long`, then the output ends (SPEC §7); the
 *   rest of the client's input is read and thrown away until it closes (or lingerMs passes), so the
 *   error is not lost to a TCP reset.
 * - A partial last line is never run. When the client ends its input, the lines it sent are answered
 *   and then the output ends.
 * - Backpressure (backpressure.ts; SPEC §7, a client that does not read): reading stops while unread
 *   replies pass maxPendingReplyBytes, or while MAX_QUEUED_REPLIES replies wait behind an async one.
 * - Socket errors (ECONNRESET, EPIPE, a dropped client) end this connection only.
 */
import type { Duplex } from 'node:stream';
import { Backpressure } from './backpressure.js';
import { parseCommandBytes } from './command.js';
import { LINE, LineReader, NEED_MORE, TOO_LONG, type ReadStatus } from './line-reader.js';
import { formatErrorReply, LINE_TOO_LONG_REPLY, runCommand, type Execute } from './run-command.js';

export interface ConnectionLimits {
  /** The longest request line served, without its "\r\n" (kv-server.maxLineBytes). */
  readonly maxLineBytes: number;
  /** Unread reply bytes past which the connection stops reading (kv-server.maxPendingReplyBytes). */
  readonly maxPendingReplyBytes: number;
  /** Unread reply bytes past which the client is dropped (kv-server.dropPendingReplyBytes). */
  readonly dropPendingReplyBytes: number;
}

export const DEFAULT_CONNECTION_LIMITS: ConnectionLimits = {
  maxLineBytes: 1_048_576,
  maxPendingReplyBytes: 1_048_576,
  dropPendingReplyBytes: 16_777_216,
};

/** Replies that may wait behind an unsettled async reply before the connection stops reading. */
export const MAX_QUEUED_REPLIES = 1024;

export interface ConnectionOptions extends Partial<ConnectionLimits> {
  readonly execute: Execute;
  /** How long a closing connection waits for its output to flush and its client to leave. Default 5000. */
  readonly lingerMs?: number;
  /** Socket errors: ECONNRESET, EPIPE, a dropped client. The connection closes itself either way. */
  readonly onError?: (error: Error) => void;
}

type State = 'open' | 'draining' | 'closed';

/** A reply waiting for the ones before it; `text` is undefined until its async result settles. */
interface Slot {
  text: string | undefined;
}

export class Connection {
  /** Resolves once the socket has closed. */
  readonly closed: Promise<void>;
  private state: State = 'open';
  private readonly reader: LineReader;
  private readonly backpressure: Backpressure;
  private readonly execute: Execute;
  private readonly lingerMs: number;
  private readonly queue: Slot[] = [];
  private inputEnded = false;
  private flushScheduled = false;
  private ending = false;
  private destroyOnFinish = false;
  private destroying = false;
  private lingerTimer: NodeJS.Timeout | undefined;
  private resolveClosed!: () => void;

  constructor(
    readonly socket: Duplex,
    private readonly options: ConnectionOptions,
  ) {
    const limits = { ...DEFAULT_CONNECTION_LIMITS, ...definedOnly(options) };
    this.execute = options.execute;
    this.lingerMs = options.lingerMs ?? 5000;
    this.reader = new LineReader(limits.maxLineBytes);
    this.backpressure = new Backpressure(socket, { pauseAtBytes: limits.maxPendingReplyBytes, dropAtBytes: limits.dropPendingReplyBytes }, this.resumeReading);
    this.closed = new Promise((resolve) => (this.resolveClosed = resolve));
    socket.on('data', this.onData);
    socket.on('end', this.onEnd);
    socket.on('error', this.onError);
    socket.on('close', this.onClose);
  }

  /** Replies waiting behind an unsettled async reply. */
  get queuedReplies(): number {
    return this.queue.length;
  }

  /** Stops reading commands, flushes the replies owed, ends the output and destroys the socket. */
  close(): void {
    if (this.state === 'closed' || this.destroyOnFinish) return;
    this.destroyOnFinish = true;
    this.socket.pause();
    this.drain();
  }

  private readonly onData = (chunk: Buffer): void => {
    if (this.state !== 'open') return; // draining: the rest of the input is thrown away
    this.reader.push(chunk);
    this.pump();
  };

  private readonly onEnd = (): void => {
    this.inputEnded = true;
    if (this.state === 'open') this.pump();
  };

  private readonly onError = (error: Error): void => {
    this.options.onError?.(error);
    if (!this.socket.destroyed) this.socket.destroy();
  };

  private readonly onClose = (): void => {
    this.state = 'closed';
    this.queue.length = 0;
    if (this.lingerTimer) clearTimeout(this.lingerTimer);
    this.resolveClosed();
  };

  /** Runs the lines read so far, as far as backpressure allows. */
  private pump(): void {
    while (this.state === 'open' && !this.backpressure.paused && this.queue.length < MAX_QUEUED_REPLIES) {
      if (!this.runLines()) break;
    }
    if (this.state === 'open' && this.queue.length >= MAX_QUEUED_REPLIES) this.socket.pause();
  }

  /** One batch of lines, answered in one write. True when it stopped only because the batch was full. */
  private runLines(): boolean {
    const reader = this.reader;
    const execute = this.execute;
    const room = this.backpressure.room();
    let out = '';
    let status: ReadStatus = LINE;
    let full = false;
    for (;;) {
      if ((out.length > 0 && out.length > room) || this.queue.length >= MAX_QUEUED_REPLIES) {
        full = true;
        break;
      }
      status = reader.next();
      if (status !== LINE) break;
      const reply = runCommand(parseCommandBytes(reader.line, reader.lineStart, reader.lineEnd), execute);
      if (this.queue.length === 0 && typeof reply === 'string') out += reply;
      else this.enqueue(reply);
    }
    if (status === TOO_LONG) {
      if (this.queue.length === 0) out += LINE_TOO_LONG_REPLY;
      else this.enqueue(LINE_TOO_LONG_REPLY);
      if (out.length > 0 && !this.write(out)) return false;
      this.socket.resume(); // keep reading, to throw the rest of the line away
      this.drain();
      return false;
    }
    if (out.length > 0 && !this.write(out)) return false;
    if (status === NEED_MORE && this.inputEnded) {
      this.drain();
      return false;
    }
    return full;
  }

  private enqueue(reply: string | Promise<string>): void {
    if (typeof reply === 'string') {
      this.queue.push({ text: reply });
      return;
    }
    const slot: Slot = { text: undefined };
    this.queue.push(slot);
    reply.then(
      (text) => {
        slot.text = text;
        this.scheduleFlush();
      },
      (error: unknown) => {
        slot.text = formatErrorReply(error instanceof Error ? error.message : String(error));
        this.scheduleFlush();
      },
    );
  }

  /**
   * Flushes once the current run of settled replies is done: results of one batch from another node
   * settle together, and go out in one write instead of one each.
   */
  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    queueMicrotask(this.flushScheduledQueue);
  }

  private readonly flushScheduledQueue = (): void => {
    this.flushScheduled = false;
    this.flushQueue();
  };

  /** Writes the settled replies at the head of the queue, in order, in one write. */
  private flushQueue(): void {
    if (this.state === 'closed') return;
    const queue = this.queue;
    let out = '';
    let settled = 0;
    while (settled < queue.length && queue[settled]!.text !== undefined) out += queue[settled++]!.text;
    if (settled === 0) return;
    queue.splice(0, settled);
    if (!this.write(out)) return;
    if (this.state === 'draining') this.endWhenFlushed();
    else this.resumeReading();
  }

  private write(text: string): boolean {
    if (this.state === 'closed' || this.socket.destroyed || this.socket.writableEnded) return false;
    // Replies carry stored bytes as latin1 strings (see command.ts): written back byte for byte.
    this.socket.write(text, 'latin1');
    return this.backpressure.check();
  }

  private readonly resumeReading = (): void => {
    if (this.state !== 'open' || this.backpressure.paused || this.queue.length >= MAX_QUEUED_REPLIES) return;
    if (this.socket.isPaused()) this.socket.resume();
    this.pump();
  };

  /** No more commands: flush the replies owed, then end the output; destroy after lingerMs regardless. */
  private drain(): void {
    if (this.state === 'open') {
      this.state = 'draining';
      this.lingerTimer = setTimeout(() => this.socket.destroy(), this.lingerMs);
      this.lingerTimer.unref();
    }
    this.endWhenFlushed();
  }

  private endWhenFlushed(): void {
    if (this.state !== 'draining' || this.queue.length > 0) return;
    if (!this.ending) {
      this.ending = true;
      this.socket.end();
    }
    if (this.destroyOnFinish && !this.destroying) {
      this.destroying = true;
      if (this.socket.writableFinished) this.socket.destroy();
      else this.socket.once('finish', () => this.socket.destroy());
    }
  }
}

function definedOnly(options: Partial<ConnectionLimits>): Partial<ConnectionLimits> {
  const limits: { -readonly [K in keyof ConnectionLimits]?: number } = {};
  if (options.maxLineBytes !== undefined) limits.maxLineBytes = options.maxLineBytes;
  if (options.maxPendingReplyBytes !== undefined) limits.maxPendingReplyBytes = options.maxPendingReplyBytes;
  if (options.dropPendingReplyBytes !== undefined) limits.dropPendingReplyBytes = options.dropPendingReplyBytes;
  return limits;
}
