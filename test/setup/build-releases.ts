/**
 * Global setup of the e2e project: builds releases foo and bar once per test run, with the real CLI,
 * into a temporary folder (`--path`), and hands their paths to the test files. Removed at the end.
 */
import { execa } from 'execa';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { kvrelBin, repoRoot } from '../helpers/repo.js';

declare module 'vitest' {
  export interface ProvidedContext {
    releasesDir: string;
  }
}

export default async function setup(project: TestProject): Promise<() => void> {
  const dir = mkdtempSync(join(tmpdir(), 'kvrel-releases-'));
  for (const name of ['foo', 'bar']) {
    // One at a time: injecting the executable peaks near 0.75 GB.
    const result = await execa(process.execPath, [kvrelBin, 'release', name, '--path', join(dir, name), ...(name === 'bar' ? ['--tar'] : [])], {
      cwd: repoRoot,
      reject: false,
      all: true,
    });
    if (result.exitCode !== 0) throw new Error(`kvrel release ${name} failed:\n${result.all}`);
  }
  project.provide('releasesDir', dir);
  return () => rmSync(dir, { recursive: true, force: true });
}
