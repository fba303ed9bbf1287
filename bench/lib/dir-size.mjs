// Bytes on disk of a folder as `du -sb` counts them (apparent size).
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

export async function duBytes(dir) {
  const { stdout } = await promisify(execFile)('du', ['-sb', dir], { timeout: 30_000 });
  return Number(stdout.split('\t')[0]);
}
