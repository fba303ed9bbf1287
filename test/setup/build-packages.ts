/**
 * Global setup of the e2e project: compiles kvrel and @kvrel/runtime into their dist/ folders
 * (incremental: nothing to do when the sources are unchanged), so the CLI the tests run
 * (packages/kvrel/dist/cli-main.js) is never older than the sources.
 */
import { execa } from 'execa';
import { join } from 'node:path';
import { repoRoot } from '../helpers/repo.js';

export default async function setup(): Promise<void> {
  const tsc = join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc');
  const result = await execa(process.execPath, [tsc, '-b', join('packages', 'kvrel', 'tsconfig.build.json')], { cwd: repoRoot, reject: false, all: true });
  if (result.exitCode !== 0) throw new Error(`building kvrel failed:\n${result.all}`);
}
