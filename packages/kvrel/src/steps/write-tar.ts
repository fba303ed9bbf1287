/**
 * Step "writing the tarball" (--tar): release.tarPath holding bin/ and releases/ (no tmp/), for copying
 * to a server. Written to a temporary name and renamed, so a half-written tarball is never seen.
 */
import { rename } from 'node:fs/promises';
import type { ReleaseStep } from '../release/run-steps.js';
import { runProcess } from '../process/run-process.js';
import { UserError } from '../user-error.js';

export const writeTarStep: ReleaseStep = {
  title: 'writing the tarball',
  when: (release) => release.tar,
  run: async (release) => {
    const partial = `${release.tarPath}.${process.pid}.partial`;
    let problem: string | undefined;
    try {
      const result = await runProcess('tar', ['-czf', partial, '-C', release.path, 'bin', 'releases']);
      if (result.exitCode !== 0) problem = result.stderr.trim().split('\n')[0] || `tar exited with code ${result.exitCode}`;
    } catch (error) {
      problem = error instanceof Error ? error.message : String(error);
    }
    if (problem !== undefined) throw new UserError('KVREL_TAR_FAILED', `could not write ${release.tarPath} with tar: ${problem}; check that tar is installed and the folder is writable`);
    await rename(partial, release.tarPath);
    return release;
  },
};
