/**
 * The daemon's log files opened together, oldest first, as one consistent view. The names move while
 * the node rotates (<base>.1 becomes <base>.2 …), so files are opened by name and then checked: each
 * name must still be the file opened through it, and the numbered names must run without a gap down
 * to <base>.1. Otherwise a rotation was under way and the caller tries again a moment later; an open
 * descriptor keeps reading its file whatever it is renamed to. A gap that stays (someone removed a
 * file) is accepted once the caller has waited long enough (`acceptGaps`).
 */
import { closeSync, fstatSync, openSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { logFiles } from './log-files.js';

export interface OpenLogFile {
  readonly fd: number;
  readonly ino: number;
  /** The next byte to read. */
  position: number;
}

/** The log files, open, oldest first ([] when there are none); undefined while a rotation is under way. */
export function openLogChain(dir: string, base: string, acceptGaps = false): OpenLogFile[] | undefined {
  const names = logFiles(dir, base);
  if (!acceptGaps && !numberedWithoutGap(names, base)) return undefined;
  const opened: OpenLogFile[] = [];
  try {
    for (const name of names) {
      const fd = openSync(name, 'r');
      opened.push({ fd, ino: fstatSync(fd).ino, position: 0 });
    }
    // A rotation while they were opened moved a name onto another file.
    if (names.every((name, i) => inodeOf(name) === opened[i]!.ino)) return opened;
  } catch {
    // A name went away between listing and opening: a rotation.
  }
  closeLogFiles(opened);
  return undefined;
}

export function closeLogFiles(files: readonly OpenLogFile[]): void {
  for (const file of files) closeSync(file.fd);
}

/** <base>.k … <base>.1 with none missing (a bare <base> may follow): what no rotation is halfway through. */
function numberedWithoutGap(names: readonly string[], base: string): boolean {
  const numbered = names.map((name) => basename(name)).filter((name) => name !== base);
  return numbered.every((name, i) => name === `${base}.${numbered.length - i}`);
}

function inodeOf(file: string): number | undefined {
  try {
    return statSync(file).ino;
  } catch {
    return undefined;
  }
}

/** openLogChain, tried again every `retryMs` while a rotation is under way; gaps are accepted after `patience` tries. */
export async function openLogChainSettled(dir: string, base: string, retryMs = 10, patience = 50): Promise<OpenLogFile[]> {
  for (let tries = 0; ; tries++) {
    const chain = openLogChain(dir, base, tries >= patience);
    if (chain) return chain;
    await new Promise((resolve) => setTimeout(resolve, retryMs));
  }
}
