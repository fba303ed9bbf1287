/** `--tar`: _build/<env>/<name>-<vsn>.tar.gz holding bin/ and releases/ (no tmp/), for copying to a server. */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { dirname, join } from 'node:path';
import type { Release } from '../release/release.js';
import { UserError } from '../user-error.js';

export async function writeTar(release: Release): Promise<string> {
  const file = join(dirname(dirname(release.path)), `${release.name}-${release.version}.tar.gz`);
  try {
    await promisify(execFile)('tar', ['-czf', file, '-C', release.path, 'bin', 'releases']);
  } catch (error) {
    throw new UserError('KVREL_BAD_OPTION', `could not write ${file} with tar: ${error instanceof Error ? error.message : String(error)}`);
  }
  return file;
}
