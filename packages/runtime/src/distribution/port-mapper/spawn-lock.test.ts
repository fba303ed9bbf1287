import { mkdtempSync, rmSync, writeFileSync, utimesSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { spawnLockPath, takeSpawnLock } from './spawn-lock.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
const tempDir = () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'kvrel-lock-'));
  dirs.push(dir);
  return dir;
};

describe('spawn lock', () => {
  it('lets one start through at a time, here and across processes', () => {
    const dir = tempDir();
    const first = takeSpawnLock(4999, { dir });
    expect(first).toBeDefined();
    expect(takeSpawnLock(4999, { dir })).toBeUndefined();
    first!.release();
    const again = takeSpawnLock(4999, { dir });
    expect(again).toBeDefined();
    again!.release();
  });

  it('takes over a lock whose holder is gone or that is too old', () => {
    const dir = tempDir();
    const file = spawnLockPath(4998, dir);
    writeFileSync(file, '999999999\n'); // no such process
    const orphaned = takeSpawnLock(4998, { dir });
    expect(orphaned).toBeDefined();
    orphaned!.release();
    writeFileSync(file, `${process.ppid}\n`); // alive, but hung for a minute
    utimesSync(file, new Date(Date.now() - 60_000), new Date(Date.now() - 60_000));
    const old = takeSpawnLock(4998, { dir });
    expect(old).toBeDefined();
    old!.release();
    writeFileSync(file, `${process.ppid}\n`); // alive and fresh: someone else is starting it
    expect(takeSpawnLock(4998, { dir })).toBeUndefined();
  });
});
