/**
 * Whether a pid (read from a pid file) is this release's node, not just any live process: pids are
 * reused, so after a crash or a reboot the pid file may name an unrelated program. On Linux the
 * process's executable (/proc/<pid>/exe, else the first word of its command line when that link is
 * not readable, as for another user's process) must be the release's own executable. Where /proc
 * says nothing, a live process is taken to be the node.
 */
import { readFileSync, readlinkSync, realpathSync } from 'node:fs';
import { processAlive } from './process-alive.js';

export function runsExecutable(pid: number, executable: string, proc = '/proc'): boolean {
  if (!processAlive(pid)) return false;
  const wanted = resolved(executable);
  try {
    return resolved(readlinkSync(`${proc}/${pid}/exe`).replace(/ \(deleted\)$/, '')) === wanted;
  } catch {
    // Not ours to read (another user's process), or no /proc: try its command line.
  }
  try {
    const argv0 = readFileSync(`${proc}/${pid}/cmdline`, 'utf8').split('\0')[0] ?? '';
    return resolved(argv0) === wanted;
  } catch {
    return true;
  }
}

function resolved(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}
