/**
 * A size-bounded, rotated log file for daemons, as run_erl keeps: <base>.1 is the current file;
 * when it passes maxBytes it becomes <base>.2 and so on, and the oldest beyond `generations` is
 * removed. Writes are synchronous so nothing is lost when the node exits.
 *
 * It never throws into the node. A write that fails (ENOSPC, EROFS, EIO, EFBIG) loses its line and
 * is counted; the log tries again `retryMs` later, and the first write that works is preceded by one
 * line saying how many lines were lost and why. EFBIG (the file reached the process's file size
 * limit) starts the next file. After each rotation the new file begins with the first lines of the
 * node's life (`keepFirstBytes`), marked as repeated, so the boot lines stay findable.
 */
import * as nodeFs from 'node:fs';
import { join } from 'node:path';
import { formatLogLine, logTimestamp } from './logger.js';

/**
 * How log files are opened: appended to, created when missing, and never through a symbolic link, so a
 * link planted in a shared RELEASE_TMP cannot make a root daemon append to another file.
 */
export const APPEND_NO_FOLLOW = nodeFs.constants.O_WRONLY | nodeFs.constants.O_APPEND | nodeFs.constants.O_CREAT | nodeFs.constants.O_NOFOLLOW;

/** The file calls the log makes (tests pass failing ones). */
export type LogFileSystem = Pick<typeof nodeFs, 'openSync' | 'writeSync' | 'closeSync' | 'fstatSync' | 'renameSync' | 'rmSync' | 'existsSync' | 'mkdirSync'>;

export interface RotatingLogOptions {
  readonly dir: string;
  readonly base: string;
  /** Default 1 MiB (run_erl's default is 100 KB; a Node node logs more per line). */
  readonly maxBytes?: number;
  /** Files kept, default 5 (run_erl's RUN_ERL_LOG_GENERATIONS default). */
  readonly generations?: number;
  /** The first bytes written (whole writes), repeated at the top of each file after a rotation. Default 8 KiB; 0: off. */
  readonly keepFirstBytes?: number;
  /** After a failed write, how long the log only counts lines before it tries the file again. Default 1000. */
  readonly retryMs?: number;
  readonly now?: () => number;
  readonly fs?: LogFileSystem;
}

interface Outage {
  readonly since: number;
  code: string;
  lines: number;
  bytes: number;
  /** A write stopped mid-line: the report starts on a line of its own. */
  torn: boolean;
}

export class RotatingLog {
  private fd: number | undefined;
  private size = 0;
  private readonly maxBytes: number;
  private readonly generations: number;
  private readonly keepFirstBytes: number;
  private readonly retryMs: number;
  private readonly now: () => number;
  private readonly fs: LogFileSystem;
  private readonly firstWrites: Buffer[] = [];
  private firstBytes = 0;
  private firstDone = false;
  private outage: Outage | undefined;
  private retryAt = 0;
  private totalLost = 0;

  /** Creates the folder and opens <base>.1; these throw (a boot error), later writes never do. */
  constructor(private readonly options: RotatingLogOptions) {
    this.maxBytes = options.maxBytes ?? 1024 * 1024;
    this.generations = Math.max(1, options.generations ?? 5);
    this.keepFirstBytes = Math.min(options.keepFirstBytes ?? 8192, Math.floor(this.maxBytes / 4));
    this.retryMs = options.retryMs ?? 1000;
    this.now = options.now ?? Date.now;
    this.fs = options.fs ?? nodeFs;
    this.fs.mkdirSync(options.dir, { recursive: true });
    this.fd = this.fs.openSync(this.file(1), APPEND_NO_FOLLOW);
    this.size = this.fs.fstatSync(this.fd).size;
  }

  /** The current file (<dir>/<base>.1). */
  get current(): string {
    return this.file(1);
  }

  /** Lines lost to failed writes since the log was opened. */
  get lostLines(): number {
    return this.totalLost + (this.outage?.lines ?? 0);
  }

  write(text: string | Uint8Array): void {
    const bytes = typeof text === 'string' ? Buffer.from(text) : text;
    this.keepFirst(bytes);
    if (this.outage && this.now() < this.retryAt) {
      this.countLost(bytes);
      return;
    }
    if (this.size > 0 && this.size + bytes.length > this.maxBytes) this.rotate();
    if ((this.outage && !this.reportOutage()) || !this.writeAll(bytes)) this.countLost(bytes);
  }

  close(): void {
    if (this.fd === undefined) return;
    try {
      this.fs.closeSync(this.fd);
    } catch {
      // Nothing left to lose.
    }
    this.fd = undefined;
  }

  private file(generation: number): string {
    return join(this.options.dir, `${this.options.base}.${generation}`);
  }

  private keepFirst(bytes: Uint8Array): void {
    if (this.firstDone) return;
    if (this.firstBytes + bytes.length > this.keepFirstBytes) {
      this.firstDone = true;
      return;
    }
    this.firstWrites.push(Buffer.from(bytes));
    this.firstBytes += bytes.length;
  }

  /** Writes every byte or records the failure; true when all were written. */
  private writeAll(bytes: Uint8Array): boolean {
    if (this.fd === undefined && !this.reopen()) return false;
    let written = 0;
    try {
      while (written < bytes.length) written += this.fs.writeSync(this.fd!, bytes, written, bytes.length - written);
      this.size += written;
      return true;
    } catch (error) {
      this.size += written;
      this.fail(error, written > 0);
      return false;
    }
  }

  private reopen(): boolean {
    try {
      this.fd = this.fs.openSync(this.file(1), APPEND_NO_FOLLOW);
      this.size = this.fs.fstatSync(this.fd).size;
      return true;
    } catch (error) {
      this.fd = undefined;
      this.size = 0; // no file: the next try opens one rather than rotating again
      this.fail(error, false);
      return false;
    }
  }

  private fail(error: unknown, torn: boolean): void {
    const code = (error as NodeJS.ErrnoException).code ?? (error instanceof Error ? error.message : String(error));
    this.outage ??= { since: this.now(), code, lines: 0, bytes: 0, torn: false };
    this.outage.code = code;
    this.outage.torn ||= torn;
    this.retryAt = this.now() + this.retryMs;
    // This file cannot grow (the process's file size limit, or the file system's): the next try starts a new one.
    if (code === 'EFBIG') this.size = this.maxBytes;
  }

  private countLost(bytes: Uint8Array): void {
    const outage = this.outage!;
    let lines = 0;
    for (let i = bytes.indexOf(10); i !== -1; i = bytes.indexOf(10, i + 1)) lines++;
    outage.lines += Math.max(1, lines);
    outage.bytes += bytes.length;
  }

  /** The first write after an outage: one line on what was lost. False when the file still fails. */
  private reportOutage(): boolean {
    const outage = this.outage!;
    const text =
      `${outage.lines} lines (${outage.bytes} bytes) could not be written to ${this.current} since ` +
      `${logTimestamp(new Date(outage.since))} (${outage.code})`;
    const line = `${outage.torn ? '\n' : ''}${formatLogLine('warning', 'log', text)}`;
    outage.torn = false;
    if (!this.writeAll(Buffer.from(line))) return false;
    this.totalLost += outage.lines;
    this.outage = undefined;
    this.resyncSize();
    return true;
  }

  /** After an outage the file may have been truncated or replaced by the operator. */
  private resyncSize(): void {
    try {
      this.size = this.fs.fstatSync(this.fd!).size;
    } catch {
      // Keep the count we have.
    }
  }

  private rotate(): void {
    this.close();
    try {
      this.fs.rmSync(this.file(this.generations), { force: true });
      for (let g = this.generations - 1; g >= 1; g--) {
        if (this.fs.existsSync(this.file(g))) this.fs.renameSync(this.file(g), this.file(g + 1));
      }
    } catch (error) {
      this.fail(error, false);
    }
    if (!this.reopen()) return;
    if (this.outage) this.outage.torn = false; // a new file: no half line to end
    if (this.firstWrites.length === 0) return;
    const header = formatLogLine('info', 'log', `the first lines of this node's life (pid ${process.pid}), repeated after rotation:`);
    const footer = formatLogLine('info', 'log', 'end of the repeated first lines');
    this.writeAll(Buffer.concat([Buffer.from(header), ...this.firstWrites, Buffer.from(footer)]));
  }
}
