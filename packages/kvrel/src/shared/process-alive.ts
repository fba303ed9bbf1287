/**
 * Whether an OS process still runs. An exited process whose parent has not reaped it yet (a zombie,
 * state Z in /proc/<pid>/stat) has stopped: a daemon's parent is init, which may reap it late.
 */
import { readFileSync } from 'node:fs';

export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat[stat.lastIndexOf(')') + 2] !== 'Z';
  } catch {
    return true;
  }
}
