/**
 * RELEASE_TMP (the daemon's pid file and logs) made ready before a daemon starts, or one line that
 * names RELEASE_TMP and the real cause. Node's recursive mkdir answers ENOENT when a parent is on a
 * read-only file system, so on failure each missing folder is made again one at a time to learn the
 * real errno (EROFS, EACCES, ENOTDIR, ENOSPC).
 *
 * A daemon (often root's) writes its pid and appends its log there, so the folder must be its own:
 * not a symbolic link, owned by the user running it, and writable by no one else unless sticky (as
 * /tmp is). Otherwise another local user could pre-create it with links to files of the daemon's
 * user (tmux and ssh-agent refuse such folders for the same reason).
 */
import * as nodeFs from 'node:fs';
import { dirname, join } from 'node:path';
import { UserError } from '../shared/user-error.js';

export type TmpFileSystem = Pick<typeof nodeFs, 'mkdirSync' | 'existsSync' | 'accessSync' | 'lstatSync'>;

/** Makes `tmp` and its `subfolders` and checks they are private and writable; throws one user-facing line. */
export function prepareReleaseTmp(
  tmp: string,
  subfolders: readonly string[] = [],
  fs: TmpFileSystem = nodeFs,
  uid: number | undefined = process.getuid?.(),
): void {
  for (const dir of [tmp, ...subfolders.map((sub) => join(tmp, sub))]) {
    try {
      fs.mkdirSync(dir, { recursive: true, mode: 0o755 });
      fs.accessSync(dir, nodeFs.constants.W_OK);
    } catch (error) {
      const cause = realCause(dir, fs) ?? (error as Error);
      throw new UserError('KVREL_RELEASE_TMP_UNUSABLE', `RELEASE_TMP (${tmp}) cannot be used: ${cause.message}; set RELEASE_TMP to a writable folder`);
    }
    const problem = unsafe(fs.lstatSync(dir), uid);
    if (problem) {
      throw new UserError(
        'KVREL_UNSAFE_RELEASE_TMP',
        `RELEASE_TMP (${tmp}) is refused: ${dir === tmp ? 'it' : dir} ${problem}; set RELEASE_TMP to a folder of your own that only you can write to`,
      );
    }
  }
}

/** Why a folder is not safe for the daemon's files, or undefined. */
export function unsafe(stat: Pick<nodeFs.Stats, 'uid' | 'mode' | 'isSymbolicLink'>, uid: number | undefined): string | undefined {
  if (stat.isSymbolicLink()) return 'is a symbolic link';
  if (uid !== undefined && stat.uid !== uid) return `belongs to uid ${stat.uid}, not to the user running it (uid ${uid})`;
  const othersWrite = (stat.mode & 0o022) !== 0;
  const sticky = (stat.mode & 0o1000) !== 0;
  if (othersWrite && !sticky) return `is writable by other users (mode ${(stat.mode & 0o7777).toString(8).padStart(4, '0')}) without the sticky bit`;
  return undefined;
}

/** Makes the missing folders of `dir` one by one, from the top; the first error is the real cause. */
function realCause(dir: string, fs: TmpFileSystem): Error | undefined {
  const missing: string[] = [];
  for (let path = dir; !fs.existsSync(path) && dirname(path) !== path; path = dirname(path)) missing.unshift(path);
  try {
    for (const path of missing) fs.mkdirSync(path);
    fs.accessSync(dir, nodeFs.constants.W_OK);
    return undefined;
  } catch (error) {
    return error as Error;
  }
}
