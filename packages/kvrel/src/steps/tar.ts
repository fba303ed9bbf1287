/**
 * `--tar`: <name>-<vsn>.tar.gz holding bin/ and releases/ (no tmp/), for copying to a server. It goes
 * to _build/<env>/, or beside the release folder when --path put the release elsewhere. Written to a
 * temporary name and renamed, so a half-written tarball is never seen.
 */
import { execFile } from 'node:child_process';
import { rename } from 'node:fs/promises';
import { promisify } from 'node:util';
import { dirname, join } from 'node:path';
import type { Release } from '../release/release.js';
import { UserError } from '../user-error.js';

export function tarPath(release: Release): string {
  const defaultPath = join(release.root, '_build', release.env, 'rel', release.name);
  const dir = release.path === defaultPath ? join(release.root, '_build', release.env) : dirname(release.path);
  return join(dir, `${release.name}-${release.version}.tar.gz`);
}

export async function writeTar(release: Release): Promise<string> {
  const file = tarPath(release);
  const partial = `${file}.${process.pid}.partial`;
  try {
    await promisify(execFile)('tar', ['-czf', partial, '-C', release.path, 'bin', 'releases']);
    await rename(partial, file);
  } catch (error) {
    throw new UserError('KVREL_BAD_OPTION', `could not write ${file} with tar: ${error instanceof Error ? error.message : String(error)}`);
  }
  return file;
}
