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
