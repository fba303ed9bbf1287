/**
 * Bytes → lines (pure). A line ends at `\n`; a `\r` just before it is dropped too. Pull-based so a
 * connection can stop between lines (backpressure) without losing the rest of a chunk:
 * `push(chunk)`, then call `next()` until it answers NEED_MORE.
 *
 * - A line that fits in one chunk is handed out as a range of that chunk: no copy.
 * - A partial line is kept (copied when it is the tail of a larger chunk, so it does not pin the chunk)
 *   and joined once its newline arrives. A trailing partial line is never handed out.
 * - A line longer than `maxLineBytes` (not counting `\r\n`) is reported as TOO_LONG as soon as the
 *   pending bytes prove it; the reader never holds more than `maxLineBytes + 1` pending bytes.
 * - `heldBytes` (pending plus unscanned) feeds the node-wide buffer budget, and `partialLines` numbers
 *   each partial line so the line deadline can tell an old partial line from a new one.
 */
export const NEED_MORE = 0;
export const LINE = 1;
export const TOO_LONG = 2;
export type ReadStatus = typeof NEED_MORE | typeof LINE | typeof TOO_LONG;

const LF = 10;
const CR = 13;
const EMPTY = Buffer.alloc(0);

export class LineReader {
  /** After next() answered LINE: the line is `line[lineStart, lineEnd)`, valid until the next call. */
  line: Buffer = EMPTY;
  lineStart = 0;
  lineEnd = 0;

  private chunk: Buffer = EMPTY;
  private pos = 0;
  /** Chunks pushed while the current one still had unread lines (usually none). */
  private readonly queued: Buffer[] = [];
  private queuedBytes = 0;
  private pending: Buffer[] = [];
  private pendingLength = 0;
  private tooLong = false;
  private discarded = false;
  /** How many partial lines have started (one more each time a line is left waiting for its newline). */
  partialLines = 0;

  constructor(readonly maxLineBytes: number) {
    if (!Number.isInteger(maxLineBytes) || maxLineBytes < 1) {
      throw new RangeError(`maxLineBytes must be a positive integer, got ${String(maxLineBytes)}`);
    }
  }

  /** Bytes of the partial line waiting for its newline. */
  get pendingBytes(): number {
    return this.pendingLength;
  }

  /** Bytes held: the partial line plus what was pushed and not scanned yet. */
  get heldBytes(): number {
    return this.pendingLength + this.chunk.length - this.pos + this.queuedBytes;
  }

  /** True when pushed bytes have not been scanned yet (next() may still find lines). */
  get hasUnscanned(): boolean {
    return this.pos < this.chunk.length || this.queued.length > 0;
  }

  push(chunk: Buffer): void {
    if (this.tooLong || this.discarded || chunk.length === 0) return;
    if (this.pos >= this.chunk.length) {
      this.chunk = chunk;
      this.pos = 0;
    } else {
      this.queued.push(chunk);
      this.queuedBytes += chunk.length;
    }
  }

  /** Drops everything held and ignores what comes next (a client closed by a limit). */
  discard(): void {
    this.clear();
    this.discarded = true;
  }

  next(): ReadStatus {
    if (this.tooLong) return TOO_LONG;
    if (this.discarded) return NEED_MORE;
    const max = this.maxLineBytes;
    for (;;) {
      const chunk = this.chunk;
      const pos = this.pos;
      if (pos >= chunk.length) {
        const following = this.queued.shift();
        if (following === undefined) {
          this.chunk = EMPTY;
          this.pos = 0;
          return NEED_MORE;
        }
        this.queuedBytes -= following.length;
        this.chunk = following;
        this.pos = 0;
        continue;
      }
      const newline = chunk.indexOf(LF, pos);
      if (newline === -1) {
        const total = this.pendingLength + chunk.length - pos;
        // max + 1 bytes may still be a full-length line whose "\r" came before its "\n".
        if (total > max + 1 || (total === max + 1 && chunk[chunk.length - 1] !== CR)) return this.fail();
        if (this.pendingLength === 0) this.partialLines++;
        this.pending.push(pos === 0 ? chunk : Buffer.from(chunk.subarray(pos)));
        this.pendingLength = total;
        this.pos = chunk.length;
        continue;
      }
      this.pos = newline + 1;
      let line = chunk;
      let start = pos;
      let end = newline;
      if (this.pendingLength > 0) {
        const total = this.pendingLength + newline - pos;
        if (total > max + 1) return this.fail();
        this.pending.push(chunk.subarray(pos, newline));
        line = Buffer.concat(this.pending, total);
        start = 0;
        end = total;
        this.pending = [];
        this.pendingLength = 0;
      }
      if (end > start && line[end - 1] === CR) end--;
      if (end - start > max) return this.fail();
      this.line = line;
      this.lineStart = start;
      this.lineEnd = end;
      return LINE;
    }
  }

  private fail(): ReadStatus {
    this.tooLong = true;
    this.clear();
    return TOO_LONG;
  }

  private clear(): void {
    this.chunk = EMPTY;
    this.pos = 0;
    this.queued.length = 0;
    this.queuedBytes = 0;
    this.pending = [];
    this.pendingLength = 0;
    this.line = EMPTY;
  }
}
