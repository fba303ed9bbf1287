/**
 * The files a running node keeps under RELEASE_TMP: its pid file (written by a daemon node, read by the
 * launcher's daemon, stop and pid) and its log folder. KVREL_DAEMON=1 tells a node the daemon spawner
 * started it.
 */
import { closeSync, constants, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { ReleaseContext } from './release-context.js';

export const DAEMON_ENV = 'KVREL_DAEMON';

export function pidFile(context: ReleaseContext): string {
  return join(context.tmp, `${context.manifest.name}.pid`);
}

export function logDir(context: ReleaseContext): string {
  return join(context.tmp, 'log');
}

/** The pid in a pid file, or 0 (none, unreadable, not a number). Never read through a symbolic link. */
export function readPidFile(path: string): number {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch {
    return 0;
  }
  try {
    const pid = Number(readFileSync(fd, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : 0;
  } finally {
    closeSync(fd);
  }
}

/** Writes the node's pid file afresh (a stale file or a planted link goes first), never through a link. */
export function writePidFile(path: string, pid: number): void {
  rmSync(path, { force: true });
  const fd = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o644);
  try {
    writeSync(fd, String(pid));
  } finally {
    closeSync(fd);
  }
}

/** Removes the pid file when it still names `pid`: another node may own it by now. */
export function removePidFile(path: string, pid: number): void {
  if (readPidFile(path) === pid) rmSync(path, { force: true });
}
