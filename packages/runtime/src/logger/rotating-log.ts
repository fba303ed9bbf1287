/**
 * A size-bounded, rotated log file for daemons, as run_erl keeps: <base>.1 is the current file;
 * when it passes maxBytes it becomes <base>.2 and so on, and the oldest beyond `generations` is
 * removed. Writes are synchronous so nothing is lost when the node exits.
 */
import { closeSync, existsSync, fstatSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';

export interface RotatingLogOptions {
  readonly dir: string;
  readonly base: string;
  /** Default 1 MiB (run_erl's default is 100 KB; a Node node logs more per line). */
  readonly maxBytes?: number;
  /** Files kept, default 5 (run_erl's RUN_ERL_LOG_GENERATIONS default). */
  readonly generations?: number;
}

export class RotatingLog {
  private fd: number;
  private size: number;
  private readonly maxBytes: number;
  private readonly generations: number;

  constructor(private readonly options: RotatingLogOptions) {
    this.maxBytes = options.maxBytes ?? 1024 * 1024;
    this.generations = Math.max(1, options.generations ?? 5);
    mkdirSync(options.dir, { recursive: true });
    this.fd = openSync(this.file(1), 'a');
    this.size = fstatSync(this.fd).size;
  }

  /** The current file (<dir>/<base>.1). */
  get current(): string {
    return this.file(1);
  }

  write(text: string | Uint8Array): void {
    const bytes = typeof text === 'string' ? Buffer.from(text) : text;
    if (this.size > 0 && this.size + bytes.length > this.maxBytes) this.rotate();
    writeSync(this.fd, bytes);
    this.size += bytes.length;
  }

  close(): void {
    closeSync(this.fd);
  }

  private file(generation: number): string {
    return join(this.options.dir, `${this.options.base}.${generation}`);
  }

  private rotate(): void {
    closeSync(this.fd);
    rmSync(this.file(this.generations), { force: true });
    for (let g = this.generations - 1; g >= 1; g--) {
      if (existsSync(this.file(g))) renameSync(this.file(g), this.file(g + 1));
    }
    this.fd = openSync(this.file(1), 'a');
    this.size = 0;
  }
}
