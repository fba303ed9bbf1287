/**
 * One port mapper start at a time per host and user: when the mapper dies under 100 nodes, all of
 * them find it gone in the same instant, and without a lock each would spawn one (67 mappers at
 * once, a minute of thrashing before every name was back). The node that takes the lock spawns the
 * mapper; the others only poll until it answers.
 *
 * The lock is a file created with O_EXCL in the temporary folder, named after the port and the
 * user (a user cannot remove another's file from /tmp), holding the holder's pid. It is stale,
 * and taken over, when its holder is gone or it is older than staleMs (a holder that hung). A
 * process also skips spawning while one of its own starts is under way (many nodes in one process).
 */
import { closeSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface SpawnLock {
  release(): void;
}

/** Ports this process is starting a mapper on. */
const startingHere = new Set<number>();

export function spawnLockPath(port: number, dir = tmpdir()): string {
  return path.join(dir, `kvrel-port-mapper-${port}-${process.getuid?.() ?? 'user'}.lock`);
}

/** The lock to start the mapper on `port`, or undefined when another start (here or elsewhere) is under way. */
export function takeSpawnLock(port: number, options: { dir?: string; staleMs?: number } = {}): SpawnLock | undefined {
  if (startingHere.has(port)) return undefined;
  const file = spawnLockPath(port, options.dir);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx', 0o600);
      try {
        writeSync(fd, `${process.pid}\n`);
      } finally {
        closeSync(fd);
      }
      startingHere.add(port);
      let released = false;
      return {
        release() {
          if (released) return;
          released = true;
          startingHere.delete(port);
          try {
            unlinkSync(file);
          } catch {
            // already taken over as stale
          }
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') return noLockNeeded(port); // an unwritable tmp: spawn unlocked
      if (!stale(file, options.staleMs ?? 10_000)) return undefined;
      try {
        unlinkSync(file);
      } catch {
        return noLockNeeded(port); // another user's file under our name: do without
      }
    }
  }
  return undefined;
}

function stale(file: string, staleMs: number): boolean {
  try {
    const text = readFileSync(file, 'latin1').trim();
    if (Date.now() - statSync(file).mtimeMs > staleMs) return true;
    if (text === '') return false; // created this instant, its pid not written yet
    const pid = Number(text);
    return !(Number.isInteger(pid) && pid > 0 && alive(pid));
  } catch {
    return true; // removed meanwhile
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function noLockNeeded(port: number): SpawnLock {
  startingHere.add(port);
  return { release: () => void startingHere.delete(port) };
}
