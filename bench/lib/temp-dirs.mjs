// Temporary directories of the bench, all removed by removeTempDirs() at the end (also on error).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const dirs = new Set();

export function makeTempDir(prefix = 'kvrel-bench-') {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.add(dir);
  return dir;
}

export function removeTempDirs() {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  dirs.clear();
}
