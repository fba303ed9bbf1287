/**
 * Step "writing the tarball" (--tar): release.tarPath holding what the release needs and nothing
 * older: bin/, releases/COOKIE, releases/<this version>/ and the overlays' files in the release root
 * (not tmp/, not other versions kept with keepOldVersions). Written to a temporary name and renamed,
 * so a half-written tarball is never seen. It carries releases/COOKIE, so it is readable by its owner
 * only (0600) from the moment it exists: tar writes into a file made with that mode beforehand.
 */
import { existsSync } from 'node:fs';
import { chmod, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ReleaseStep } from '../release/run-steps.js';
import { runProcess } from '../process/run-process.js';
import { UserError } from '../../shared/user-error.js';

export const writeTarStep: ReleaseStep = {
  title: 'writing the tarball',
  when: (release) => release.tar,
  run: async (release) => {
    const partial = `${release.tarPath}.${process.pid}.partial`;
    const rootEntries = (await readdir(release.path)).filter((entry) => entry !== 'tmp' && entry !== 'releases');
    const entries = [
      ...rootEntries,
      join('releases', release.version),
      ...(existsSync(join(release.path, 'releases', 'COOKIE')) ? [join('releases', 'COOKIE')] : []),
    ];
    let problem: string | undefined;
    try {
      await rm(partial, { force: true });
      await writeFile(partial, '', { mode: 0o600, flag: 'wx' });
      await chmod(partial, 0o600); // whatever the umask
      const result = await runProcess('tar', ['-czf', partial, '-C', release.path, '--exclude', '.kvrel-copied', ...entries]);
      if (result.exitCode !== 0) problem = result.stderr.trim().split('\n')[0] || `tar exited with code ${result.exitCode}`;
    } catch (error) {
      problem = error instanceof Error ? error.message : String(error);
    }
    if (problem !== undefined) {
      await rm(partial, { force: true });
      throw new UserError(
        'KVREL_TAR_FAILED',
        `could not write ${release.tarPath} with tar: ${problem}; check that tar is installed and the folder is writable`,
      );
    }
    await rename(partial, release.tarPath);
    return release;
  },
};
