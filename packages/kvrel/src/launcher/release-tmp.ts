/**
 * RELEASE_TMP (the daemon's pid file and logs) made ready before a daemon starts, or one line that
 * names RELEASE_TMP and the real cause. Node's recursive mkdir answers ENOENT when a parent is on a
 * read-only file system, so on failure each missing folder is made again one at a time to learn the
 * real errno (EROFS, EACCES, ENOTDIR, ENOSPC).
 */
import * as nodeFs from 'node:fs';
import { dirname, join } from 'node:path';

export type TmpFileSystem = Pick<typeof nodeFs, 'mkdirSync' | 'existsSync' | 'accessSync'>;

/** Makes `tmp` and its `subfolders` and checks they are writable; throws one user-facing line. */
export function prepareReleaseTmp(tmp: string, subfolders: readonly string[] = [], fs: TmpFileSystem = nodeFs): void {
  for (const dir of [tmp, ...subfolders.map((sub) => join(tmp, sub))]) {
    try {
      fs.mkdirSync(dir, { recursive: true });
      fs.accessSync(dir, nodeFs.constants.W_OK);
    } catch (error) {
      const cause = realCause(dir, fs) ?? (error as Error);
      throw new Error(`RELEASE_TMP (${tmp}) cannot be used: ${cause.message}; set RELEASE_TMP to a writable folder`);
    }
  }
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
