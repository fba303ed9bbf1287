/**
 * `logs -f`: prints what is appended to the current log file, and keeps going through rotation, as
 * `tail -F` does: no line lost, none printed twice. Each tick prints what the file held open has
 * gained; when that file is no longer the newest (it was rotated away), the files written after it
 * are printed in order and the newest is held next. Which files those are is read from one
 * consistent view of the folder (openLogChain): a view taken halfway through a rotation is dropped
 * and taken again, never mistaken for a held file that went away. Polls rather than fs.watch, which
 * misses renames on some file systems.
 */
import { closeSync, fstatSync, readSync, statSync } from 'node:fs';
import { closeLogFiles, openLogChain, type OpenLogFile } from './log-chain.js';
import { logFiles } from './log-files.js';

export interface FollowOptions {
  readonly dir: string;
  readonly base: string;
  /** The current file, already open (followLog closes it), and where to start in it: what is new. */
  readonly from?: { readonly fd: number; readonly position: number } | undefined;
  readonly write: (chunk: Buffer) => void;
  readonly intervalMs?: number;
  /** A rotation was under way: how soon the folder is read again. */
  readonly retryMs?: number;
  /** Tries (retryMs apart) before an odd view of the folder is taken as it is. Default 50. */
  readonly patience?: number;
  /** Ends the following (the returned promise resolves). */
  readonly signal?: AbortSignal;
}

export async function followLog(options: FollowOptions): Promise<void> {
  const buffer = Buffer.alloc(64 * 1024);
  let held: OpenLogFile | undefined = options.from ? { fd: options.from.fd, ino: fstatSync(options.from.fd).ino, position: options.from.position } : undefined;
  const drain = (file: OpenLogFile) => {
    for (;;) {
      const read = readSync(file.fd, buffer, 0, buffer.length, file.position);
      if (read === 0) return;
      file.position += read;
      options.write(Buffer.from(buffer.subarray(0, read)));
    }
  };
  /**
   * One look at the folder; false when a rotation was under way (nothing changed, look again soon).
   * `patient`: the view has been odd for a while, so it is how the folder is (a file removed or renamed by hand).
   */
  const catchUp = (patient: boolean): boolean => {
    // The common case, cheaply: the held file is still the newest.
    if (held && !patient && inodeOf(logFiles(options.dir, options.base).at(-1)) === held.ino) return true;
    const chain = openLogChain(options.dir, options.base, patient);
    if (!chain) return false;
    const at = held ? chain.findIndex((file) => file.ino === held!.ino) : -1;
    // Not listed but still linked: the view missed it (a rotation after the folder was read).
    if (held && at === -1 && !patient && fstatSync(held.fd).nlink > 0) {
      closeLogFiles(chain);
      return false;
    }
    closeLogFiles(chain.slice(0, at + 1)); // the held file (its second descriptor) and older ones
    const newer = chain.slice(at + 1);
    if (newer.length === 0) return true;
    // The held file was rotated (or none was held): print the newer ones in order, hold the newest.
    // A held file that is gone went past the kept generations: every file there is comes after it.
    if (held) {
      drain(held); // what it gained between the last drain and its rotation
      closeSync(held.fd);
    }
    for (const file of newer.slice(0, -1)) {
      drain(file);
      closeSync(file.fd);
    }
    held = newer.at(-1)!;
    drain(held);
    return true;
  };
  let wake: (() => void) | undefined;
  options.signal?.addEventListener('abort', () => wake?.(), { once: true });
  let unsettled = 0;
  try {
    while (!options.signal?.aborted) {
      if (held) drain(held);
      const settled = catchUp(unsettled >= (options.patience ?? 50));
      unsettled = settled ? 0 : unsettled + 1;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, settled ? (options.intervalMs ?? 200) : (options.retryMs ?? 10));
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

function inodeOf(file: string | undefined): number | undefined {
  if (file === undefined) return undefined;
  try {
    return statSync(file).ino;
  } catch {
    return undefined;
  }
}
