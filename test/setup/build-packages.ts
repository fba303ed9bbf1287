/**
 * Global setup of the e2e project: builds kvrel and @kvrel/runtime (tsc into dist/, then the CLI
 * bundle dist/bin/kvrel.cjs), so the CLI the tests run is never older than the sources. tsc is
 * incremental: with unchanged sources this takes about a second.
 */
import { execa } from 'execa';
import { repoRoot } from '../helpers/repo.js';

export default async function setup(): Promise<void> {
  const result = await execa('npm', ['run', 'build'], { cwd: repoRoot, reject: false, all: true });
  if (result.exitCode !== 0) throw new Error(`building kvrel failed:\n${result.all}`);
}
