/** Walking a folder for files, and the native addons (`.node` files) under one, relative and sorted. */
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';

/** Every file under `dir` (depth first, lazily), skipping the folders `skipFolder` names. */
export function* filesUnder(dir: string, skipFolder: (name: string) => boolean = () => false): Generator<string> {
  const stack = [dir];
  while (stack.length > 0) {
    const current = stack.pop()!;
    let entries: import('node:fs').Dirent[];
    try {
      entries = readdirSync(current, { withFileTypes: true });
    } catch {
      continue;
    }
    for (const entry of entries) {
      const path = join(current, entry.name);
      if (entry.isDirectory()) {
        if (!skipFolder(entry.name)) stack.push(path);
      } else yield path;
    }
  }
}

export function findAddons(dir: string): string[] {
  return [...filesUnder(dir)]
    .filter((file) => file.endsWith('.node'))
    .map((file) => relative(dir, file))
    .sort();
}
