/**
 * The daemon's log files in the order they were written. The rotating log keeps generations as
 * <base>.N, the highest number the oldest; a bare <base>, when there is one, is the newest (a
 * logrotate-style layout). Oldest first, that is: <base>.N … <base>.1, then <base>.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

export function logFiles(dir: string, base: string): string[] {
  if (!existsSync(dir)) return [];
  const generations: number[] = [];
  let bare = false;
  for (const entry of readdirSync(dir)) {
    if (entry === base) bare = true;
    else if (entry.startsWith(`${base}.`) && /^\d+$/.test(entry.slice(base.length + 1))) generations.push(Number(entry.slice(base.length + 1)));
  }
  generations.sort((a, b) => b - a);
  return [...generations.map((n) => join(dir, `${base}.${n}`)), ...(bare ? [join(dir, base)] : [])];
}

/** The file being written now: the newest of logFiles, or undefined when there is none yet. */
export function currentLogFile(dir: string, base: string): string | undefined {
  return logFiles(dir, base).at(-1);
}

/** The last `count` lines of `text` (a final newline ends the last line, it does not start another). */
export function lastLines(text: string, count: number): string {
  if (count <= 0) return '';
  const body = text.endsWith('\n') ? text.slice(0, -1) : text;
  const lines = body.split('\n');
  const kept = lines.slice(Math.max(0, lines.length - count)).join('\n');
  return text.length === 0 ? '' : `${kept}\n`;
}

/** The markers the rotating log puts around the first lines it repeats at the top of a new file. */
const REPEATED_START = 'repeated after rotation:';
const REPEATED_END = 'end of the repeated first lines';

/**
 * A filter for log text read in order: it drops the blocks of first lines the rotating log repeats
 * after each rotation (they stand earlier in the output already), line by line across chunks.
 */
export function repeatedLinesFilter(): (chunk: string) => string {
  let partial = '';
  let inBlock = false;
  return (chunk) => {
    const text = partial + chunk;
    const end = text.lastIndexOf('\n') + 1;
    partial = text.slice(end);
    let out = '';
    for (const line of text.slice(0, end).split('\n').slice(0, -1)) {
      if (!inBlock && line.includes(REPEATED_START)) inBlock = true;
      else if (inBlock && line.includes(REPEATED_END)) inBlock = false;
      else if (!inBlock) out += `${line}\n`;
    }
    return out;
  };
}
