/**
 * Whether a pid (read from a pid file, or found in /proc) is a node of this release, and which
 * version folder it runs from. Pids are reused, so after a crash or a reboot a pid file may name an
 * unrelated program; and a node keeps running the version it was started from while a newer one is
 * built beside it (releases/<old>/<name>, or that folder set aside or deleted by a rebuild). On Linux
 * the process's executable (/proc/<pid>/exe, else the first word of its command line when that link
 * is not readable, as for another user's process) must be <root>/releases/<folder>/<name>. Where /proc
 * says nothing, a live process is taken to be the node.
 */
import { readFileSync, readlinkSync, realpathSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { processAlive } from './process-alive.js';

/** What a process runs: its executable's path, or undefined when /proc cannot tell. */
export function executableOf(pid: number, proc = '/proc'): string | undefined {
  let exe: string | undefined;
  try {
    exe = readlinkSync(`${proc}/${pid}/exe`).replace(/ \(deleted\)$/, '');
  } catch {
    // Not ours to read (another user's process), or no /proc: try its command line.
  }
  if (exe !== undefined && !EMULATOR.test(basename(exe))) return exe;
  let words: string[];
  try {
    words = readFileSync(`${proc}/${pid}/cmdline`, 'utf8').split('\0');
  } catch {
    return exe;
  }
  // An emulated executable (a linux-arm64 release under qemu-user on x64) runs as the emulator, which
  // binfmt_misc started with the executable's path after its own.
  if (exe !== undefined) return words[0] === exe || EMULATOR.test(basename(words[0] ?? '')) ? words[1] || exe : exe;
  return words[0] || undefined;
}

/** qemu-user as binfmt_misc starts it: qemu-aarch64(-static), or Debian's /usr/libexec/qemu-binfmt/aarch64-binfmt-P. */
const EMULATOR = /^qemu-|-binfmt-/;

/**
 * The folder under `releasesDir` whose executable `name` the process runs (e.g. "0.0.1", or a folder
 * a rebuild set aside), or undefined when it runs something else or /proc cannot tell.
 */
export function releaseFolderOf(pid: number, releasesDir: string, name: string, proc = '/proc'): string | undefined {
  const executable = executableOf(pid, proc);
  if (executable === undefined || basename(executable) !== name) return undefined;
  const folder = dirname(executable);
  return resolved(dirname(folder)) === resolved(releasesDir) ? basename(folder) : undefined;
}

/** Whether a live process is a node of this release, whichever version it runs. */
export function runsRelease(pid: number, releasesDir: string, name: string, proc = '/proc'): boolean {
  if (!processAlive(pid)) return false;
  // Where /proc says nothing, a live process is taken to be the node.
  return executableOf(pid, proc) === undefined || releaseFolderOf(pid, releasesDir, name, proc) !== undefined;
}

function resolved(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}
