/**
 * Step "writing the tarball" (--tar): release.tarPath holding what the release needs and nothing
 * older: bin/, releases/COOKIE, releases/<this version>/ and the overlays' files in the release root
 * (not tmp/, not other versions kept with keepOldVersions). Written to a temporary name and renamed,
 * so a half-written tarball is never seen.
 */
import { existsSync } from 'node:fs';
import { readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { ReleaseStep } from '../release/run-steps.js';
import { runProcess } from '../process/run-process.js';
import { UserError } from '../user-error.js';

export const writeTarStep: ReleaseStep = {
  title: 'writing the tarball',
  when: (release) => release.tar,
  run: async (release) => {
    const partial = `${release.tarPath}.${process.pid}.partial`;
    const rootEntries = (await readdir(release.path)).filter((entry) => entry !== 'tmp' && entry !== 'releases');
    const entries = [...rootEntries, join('releases', release.version), ...(existsSync(join(release.path, 'releases', 'COOKIE')) ? [join('releases', 'COOKIE')] : [])];
    let problem: string | undefined;
    try {
      const result = await runProcess('tar', ['-czf', partial, '-C', release.path, '--exclude', '.kvrel-copied', ...entries]);
      if (result.exitCode !== 0) problem = result.stderr.trim().split('\n')[0] || `tar exited with code ${result.exitCode}`;
    } catch (error) {
      problem = error instanceof Error ? error.message : String(error);
    }
    if (problem !== undefined) {
      await rm(partial, { force: true });
      throw new UserError('KVREL_TAR_FAILED', `could not write ${release.tarPath} with tar: ${problem}; check that tar is installed and the folder is writable`);
    }
    await rename(partial, release.tarPath);
    return release;
  },
};
