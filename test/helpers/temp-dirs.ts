/** Temp folders a test file makes, all removed after its tests (vitest afterAll). */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

/** Call at the top level of a test file; returns `make(prefix)`, a new folder under the system's temp dir. */
export function tempDirsForThisFile(filePrefix: string): (prefix: string) => string {
  const made: string[] = [];
  afterAll(() => {
    for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  return (prefix) => {
    const dir = mkdtempSync(join(tmpdir(), `${filePrefix}-${prefix}-`));
    made.push(dir);
    return dir;
  };
}
