/**
 * `logs -f`: prints what is appended to the current log file, and keeps going through rotation.
 * Each tick prints what the file held open has gained; when that file is no longer the newest (it
 * was rotated away), the files written after it are printed in order and the newest is held next.
 * Polls rather than fs.watch, which misses renames on some file systems.
 */
import { closeSync, fstatSync, openSync, readSync, statSync } from 'node:fs';
import { logFiles } from './log-files.js';

export interface FollowOptions {
  readonly dir: string;
  readonly base: string;
  /** The current file, already open (followLog closes it), and where to start in it: what is new. */
  readonly from?: { readonly fd: number; readonly position: number };
  readonly write: (chunk: Buffer) => void;
  readonly intervalMs?: number;
  /** Ends the following (the returned promise resolves). */
  readonly signal?: AbortSignal;
}

interface Held {
  readonly fd: number;
  readonly ino: number;
  position: number;
}

export async function followLog(options: FollowOptions): Promise<void> {
  const buffer = Buffer.alloc(64 * 1024);
  let held: Held | undefined = options.from ? { fd: options.from.fd, ino: fstatSync(options.from.fd).ino, position: options.from.position } : undefined;
  const drain = (file: Held) => {
    for (;;) {
      const read = readSync(file.fd, buffer, 0, buffer.length, file.position);
      if (read === 0) return;
      file.position += read;
      options.write(Buffer.from(buffer.subarray(0, read)));
    }
  };
  const open = (file: string): Held | undefined => {
    try {
      const fd = openSync(file, 'r');
      return { fd, ino: fstatSync(fd).ino, position: 0 };
    } catch {
      return undefined; // rotated away between listing and opening: the next tick finds it
    }
  };
  let wake: (() => void) | undefined;
  options.signal?.addEventListener('abort', () => wake?.(), { once: true });
  try {
    while (!options.signal?.aborted) {
      if (held) drain(held);
      const files = logFiles(options.dir, options.base);
      const inodes = files.map(inodeOf);
      const at = held ? inodes.indexOf(held.ino) : -1;
      if (files.length > 0 && at !== files.length - 1) {
        // The held file was rotated (or none was held): print the newer ones in order, hold the newest.
        // A held file no longer listed went past the kept generations: print every file there is.
        if (held) {
          drain(held); // what it gained between the drain above and its rotation
          closeSync(held.fd);
        }
        held = undefined;
        for (const file of files.slice(at + 1)) {
          const next = open(file);
          if (!next) continue;
          drain(next);
          if (held) closeSync(held.fd);
          held = next;
        }
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, options.intervalMs ?? 200);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  } finally {
    if (held) closeSync(held.fd);
  }
}

function inodeOf(file: string): number | undefined {
  try {
    return statSync(file).ino;
  } catch {
    return undefined;
  }
}
