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
 * - Limits (SPEC §10): with a `budget`, the bytes this client holds (partial line, unscanned input,
 *   unsent replies) are reported to the node-wide BufferBudget as they change; `deadlines` is read
 *   by the server's sweep (`checkDeadlines`). `closeForLimit` and `evict` are how the server ends a
 *   client over a limit.
 */
import type { Duplex } from 'node:stream';
import { Backpressure } from './backpressure.js';
import type { BudgetedClient, BufferBudget } from './buffer-budget.js';
import { ClientDeadlines, type Deadline, type DeadlineLimits } from './client-deadlines.js';
import { parseCommandBytes } from './command.js';
import { LINE, LineReader, NEED_MORE, TOO_LONG, type ReadStatus } from './line-reader.js';
import { DEFAULT_CONNECTION_LIMITS, definedOnly, type ConnectionLimits } from './connection-limits.js';
import { formatErrorReply, LINE_TOO_LONG_REPLY, runCommand, type Execute } from './run-command.js';

export { DEFAULT_CONNECTION_LIMITS, type ConnectionLimits };

/** What a client closed by the node's buffer budget is sent, if its output is empty. */
export const BUFFER_LIMIT_REPLY = 'ERROR buffer limit reached\r\n';

/** Replies that may wait behind an unsettled async reply before the connection stops reading. */
export const MAX_QUEUED_REPLIES = 1024;

export interface ConnectionOptions extends Partial<ConnectionLimits> {
  readonly execute: Execute;
  /** How long a closing connection waits for its output to flush and its client to leave. Default 5000. */
  readonly lingerMs?: number | undefined;
  /** Socket errors: ECONNRESET, EPIPE, a dropped client. The connection closes itself either way. */
  readonly onError?: (error: Error) => void;
  /** The node-wide budget this client's buffered bytes count against (none: not counted). */
  readonly budget?: BufferBudget<Connection>;
  /** Idle and partial-line deadlines, checked by `checkDeadlines` (none: never). */
  readonly deadlines?: DeadlineLimits;
  /** The client's address, for log lines (`127.0.0.1:51234`). */
  readonly peer?: string;
}

type State = 'open' | 'draining' | 'closed';

/** A reply waiting for the ones before it; `text` is undefined until its async result settles. */
interface Slot {
  text: string | undefined;
}

export class Connection implements BudgetedClient {
  /** Resolves once the socket has closed. */
  readonly closed: Promise<void>;
  readonly peer: string;
  /** Bytes last reported to the budget. */
  counted = 0;
  private readonly budget: BufferBudget<Connection> | undefined;
  private readonly deadlines: ClientDeadlines;
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
    this.peer = options.peer ?? 'client';
    this.budget = options.budget;
    this.deadlines = new ClientDeadlines(options.deadlines ?? { idleTimeoutMs: 0, lineTimeoutMs: 0 }, Date.now());
    if (this.budget !== undefined) socket.on('drain', this.account);
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

  /** The server's sweep: which deadline this client passed, if any (none once it is closing). */
  checkDeadlines(now: number): Deadline | undefined {
    if (this.state !== 'open' || this.destroyOnFinish) return undefined;
    return this.deadlines.check(now, this.reader.pendingBytes > 0 ? this.reader.partialLines : 0);
  }

  recount(): number {
    if (this.state === 'closed' || this.socket.destroyed) return (this.counted = 0);
    return (this.counted = this.reader.heldBytes + this.socket.readableLength + this.socket.writableLength);
  }

  /** A limit passed: drops the partial input, sends `reply` after the replies owed, then closes. */
  closeForLimit(reply?: string): void {
    if (this.state !== 'open') return;
    this.reader.discard();
    if (reply !== undefined) {
      if (this.queue.length === 0) this.write(reply);
      else this.enqueue(reply);
    }
    this.close();
    this.account();
  }

  /** Over the node's buffer budget: best effort `reply`, then the socket is destroyed at once. */
  evict(reply = BUFFER_LIMIT_REPLY): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.reader.discard();
    this.queue.length = 0;
    if (!this.socket.destroyed && this.socket.writableLength === 0) this.socket.write(reply, 'latin1');
    this.socket.destroy();
    this.release();
  }

  private readonly onData = (chunk: Buffer): void => {
    this.deadlines.active = true;
    if (this.state !== 'open') return; // draining: the rest of the input is thrown away
    this.reader.push(chunk);
    this.pump();
    if (this.budget !== undefined) this.account();
  };

  /** Reports the change of the bytes this client holds to the budget. */
  private readonly account = (): void => {
    const budget = this.budget;
    if (budget === undefined || this.state === 'closed') return;
    const before = this.counted;
    const delta = this.recount() - before;
    if (delta !== 0) budget.change(delta);
  };

  private release(): void {
    const held = this.counted;
    this.counted = 0;
    if (held !== 0) this.budget?.change(-held);
  }

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
    this.reader.discard();
    this.release();
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
    this.deadlines.active = true;
    if (!this.write(out)) return;
    if (this.state === 'draining') this.endWhenFlushed();
    else this.resumeReading();
    if (this.budget !== undefined) this.account();
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
