/**
 * Which folders under a release's releases/ live processes run from: a node started from version
 * 0.0.1 keeps running it after 0.0.2 is built beside it, so 0.0.1 must stay until that node stops.
 * Found from /proc/<pid>/exe (the running executable, even once renamed or deleted), as
 * launcher/release-process.ts recognises a node of the release. Without /proc nothing is in use.
 */
import { readdirSync } from 'node:fs';
import { releaseFolderOf } from '../../shared/release-process.js';

/** folder name → pids running releases/<folder>/<name>. */
export function versionsInUse(releasesDir: string, name: string, proc = '/proc'): Map<string, number[]> {
  const used = new Map<string, number[]>();
  let entries: string[];
  try {
    entries = readdirSync(proc);
  } catch {
    return used;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    const folder = releaseFolderOf(pid, releasesDir, name, proc);
    if (folder !== undefined) used.set(folder, [...(used.get(folder) ?? []), pid]);
  }
  return used;
}
