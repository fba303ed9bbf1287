/**
 * Global setup of the e2e project: reserves a temp folder for this run's installed any-project
 * fixture (helpers/any-project.ts installs into it on first use, so runs that do not need it pay
 * nothing) and removes it when the run ends.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';

export default function setup(project: TestProject): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'kvrel-any-project-run-'));
  project.provide('anyProjectRunDir', dir);
  return () => rmSync(dir, { recursive: true, force: true });
}
