/**
 * One client over any Duplex (a net.Socket, or one side of stream.duplexPair() in tests):
 * read → line reader → parseCommand → runCommand → write, with replies strictly in request order,
 * also for many commands in one packet (SPEC §7).
 *
 * - Sync replies of one read chunk are joined and written once; an async reply (a bucket on another
 *   node) holds the replies after it in the ReplyQueue until it settles.
 * - A line over maxLineBytes is answered `ERROR line too long`, then the output ends (SPEC §7); the
 *   rest of the client's input is read and thrown away until it closes (or lingerMs passes), so the
 *   error is not lost to a TCP reset.
 * - A partial last line is never run. When the client ends its input, the lines it sent are answered
 *   and then the output ends.
 * - Backpressure (backpressure.ts; SPEC §7, a client that does not read): reading stops while unread
 *   replies pass maxPendingReplyBytes, or while MAX_QUEUED_REPLIES replies wait behind an async one.
 * - Socket errors (ECONNRESET, EPIPE, a dropped client) end this connection only.
 * - Closing (draining, ending the output, lingering, destroying) goes through one state: connection-closing.ts.
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
import { ConnectionClosing } from './connection-closing.js';
import { LINE, LineReader, NEED_MORE, TOO_LONG, type ReadStatus } from './line-reader.js';
import { DEFAULT_CONNECTION_LIMITS, definedOnly, type ConnectionLimits } from './connection-limits.js';
import { ReplyQueue } from './reply-queue.js';
import { LINE_TOO_LONG_REPLY, runCommand, type Execute } from './run-command.js';

export { DEFAULT_CONNECTION_LIMITS, type ConnectionLimits };

/** What a client closed by the node's buffer budget is sent, if its output is empty. */
export const BUFFER_LIMIT_REPLY = 'ERROR buffer limit reached\r\n';

export interface ClientConnectionOptions extends Partial<ConnectionLimits> {
  readonly execute: Execute;
  /** How long a closing connection waits for its output to flush and its client to leave. Default 5000. */
  readonly lingerMs?: number | undefined;
  /** Socket errors: ECONNRESET, EPIPE, a dropped client. The connection closes itself either way. */
  readonly onError?: (error: Error) => void;
  /** The node-wide budget this client's buffered bytes count against (none: not counted). */
  readonly budget?: BufferBudget<ClientConnection>;
  /** Idle and partial-line deadlines, checked by `checkDeadlines` (none: never). */
  readonly deadlines?: DeadlineLimits;
  /** The client's address, for log lines (`127.0.0.1:51234`). */
  readonly peer?: string;
}

export class ClientConnection implements BudgetedClient {
  /** Resolves once the socket has closed. */
  readonly closed: Promise<void>;
  readonly peer: string;
  /** Bytes last reported to the budget. */
  counted = 0;
  private readonly budget: BufferBudget<ClientConnection> | undefined;
  private readonly deadlines: ClientDeadlines;
  private readonly closing: ConnectionClosing;
  private readonly reader: LineReader;
  private readonly backpressure: Backpressure;
  private readonly replies = new ReplyQueue(() => this.flushReplies());
  private readonly execute: Execute;
  private inputEnded = false;
  private resolveClosed!: () => void;

  constructor(
    readonly socket: Duplex,
    private readonly options: ClientConnectionOptions,
  ) {
    const limits = { ...DEFAULT_CONNECTION_LIMITS, ...definedOnly(options) };
    this.execute = options.execute;
    this.closing = new ConnectionClosing(socket, options.lingerMs ?? 5000);
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
    return this.replies.length;
  }

  /** Stops reading commands, flushes the replies owed, ends the output and destroys the socket. */
  close(): void {
    if (this.closing.phase === 'closed' || this.closing.destroying) return;
    this.socket.pause();
    this.closing.drain('destroy', this.replies.empty);
  }

  /** The server's sweep: which deadline this client passed, if any (none once it is closing). */
  checkDeadlines(now: number): Deadline | undefined {
    if (this.closing.phase !== 'open') return undefined;
    return this.deadlines.check(now, this.reader.pendingBytes > 0 ? this.reader.partialLines : 0);
  }

  recount(): number {
    if (this.closing.phase === 'closed' || this.socket.destroyed) return (this.counted = 0);
    return (this.counted = this.reader.heldBytes + this.socket.readableLength + this.socket.writableLength);
  }

  /** A limit passed: drops the partial input, sends `reply` after the replies owed, then closes. */
  closeForLimit(reply?: string): void {
    if (this.closing.phase !== 'open') return;
    this.reader.discard();
    if (reply !== undefined) {
      if (this.replies.empty) this.write(reply);
      else this.replies.push(reply);
    }
    this.close();
    this.account();
  }

  /** Over the node's buffer budget: best effort `reply`, then the socket is destroyed at once. */
  evict(reply = BUFFER_LIMIT_REPLY): void {
    if (this.closing.phase === 'closed') return;
    this.closing.closed();
    this.reader.discard();
    this.replies.clear();
    if (!this.socket.destroyed && this.socket.writableLength === 0) this.socket.write(reply, 'latin1');
    this.socket.destroy();
    this.release();
  }

  private readonly onData = (chunk: Buffer): void => {
    this.deadlines.active = true;
    if (this.closing.phase !== 'open') return; // closing: the rest of the input is thrown away
    this.reader.push(chunk);
    this.pump();
    if (this.budget !== undefined) this.account();
  };

  /** Reports the change of the bytes this client holds to the budget. */
  private readonly account = (): void => {
    const budget = this.budget;
    if (budget === undefined || this.closing.phase === 'closed') return;
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
    if (this.closing.phase === 'open') this.pump();
  };

  private readonly onError = (error: Error): void => {
    this.options.onError?.(error);
    if (!this.socket.destroyed) this.socket.destroy();
  };

  private readonly onClose = (): void => {
    this.closing.closed();
    this.replies.clear();
    this.reader.discard();
    this.release();
    this.resolveClosed();
  };

  /** Runs the lines read so far, as far as backpressure allows. */
  private pump(): void {
    while (this.closing.phase === 'open' && !this.backpressure.paused && !this.replies.full) {
      if (!this.runLines()) break;
    }
    if (this.closing.phase === 'open' && this.replies.full) this.socket.pause();
  }

  /** One batch of lines, answered in one write. True when it stopped only because the batch was full. */
  private runLines(): boolean {
    const reader = this.reader;
    const replies = this.replies;
    const room = this.backpressure.room();
    let out = '';
    let status: ReadStatus = LINE;
    let full = false;
    for (;;) {
      if ((out.length > 0 && out.length > room) || replies.full) {
        full = true;
        break;
      }
      status = reader.next();
      if (status !== LINE) break;
      const reply = runCommand(parseCommandBytes(reader.line, reader.lineStart, reader.lineEnd), this.execute);
      if (replies.empty && typeof reply === 'string') out += reply;
      else replies.push(reply);
    }
    if (status === TOO_LONG) {
      if (replies.empty) out += LINE_TOO_LONG_REPLY;
      else replies.push(LINE_TOO_LONG_REPLY);
      if (out.length > 0 && !this.write(out)) return false;
      this.socket.resume(); // keep reading, to throw the rest of the line away
      this.closing.drain('linger', this.replies.empty);
      return false;
    }
    if (out.length > 0 && !this.write(out)) return false;
    if (status === NEED_MORE && this.inputEnded) {
      this.closing.drain('linger', this.replies.empty);
      return false;
    }
    return full;
  }

  /** Writes the settled replies at the head of the queue, in order, in one write. */
  private flushReplies(): void {
    if (this.closing.phase === 'closed') return;
    const out = this.replies.takeSettled();
    if (out === undefined) return;
    this.deadlines.active = true;
    if (!this.write(out)) return;
    if (this.closing.phase === 'open') this.resumeReading();
    else if (this.replies.empty) this.closing.flushed();
    if (this.budget !== undefined) this.account();
  }

  private write(text: string): boolean {
    if (this.closing.phase === 'closed' || this.socket.destroyed || this.socket.writableEnded) return false;
    // Replies carry stored bytes as latin1 strings (see command.ts): written back byte for byte.
    this.socket.write(text, 'latin1');
    return this.backpressure.check();
  }

  private readonly resumeReading = (): void => {
    if (this.closing.phase !== 'open' || this.backpressure.paused || this.replies.full) return;
    if (this.socket.isPaused()) this.socket.resume();
    this.pump();
  };
}
