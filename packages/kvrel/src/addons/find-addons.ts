/** Lists the native addons (`.node` files) under a folder, relative to it, in a stable order. */
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';

export function findAddons(dir: string): string[] {
  const found: string[] = [];
  const stack = [dir];
  while (stack.length > 0) {
    const current = stack.pop()!;
    let entries;
    try {
      entries = readdirSync(current, { withFileTypes: true });
    } catch {
      continue;
    }
    for (const entry of entries) {
      const path = join(current, entry.name);
      if (entry.isDirectory()) stack.push(path);
      else if (entry.name.endsWith('.node')) found.push(relative(dir, path));
    }
  }
  return found.sort();
}
