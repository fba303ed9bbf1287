/**
 * Step "building the executable": releases/<vsn>/<name>, the single executable application made from
 * the bundle and the base binary. One built earlier from the same bundle, base binary and options is
 * reused, so a warm build makes no new SEA. The executable is run once (its smoke test).
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, copyFile, mkdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { buildSea, resolveCacheDir } from '../sea/index.js';
import type { ReleaseStep } from '../release/run-steps.js';
import { requireFact } from '../release/release.js';
import { probeExecutable } from './probe-executable.js';

async function sha256(file: string): Promise<string> {
  return createHash('sha256').update(await readFile(file)).digest('hex');
}

export const writeExecutableStep: ReleaseStep = {
  title: 'building the executable',
  run: async (release, reporter) => {
    const baseBinary = requireFact(release, 'baseBinary', 'building the executable');
    const bundleFile = requireFact(release, 'bundleFile', 'building the executable');
    const baseStat = await stat(baseBinary.path);
    const key = createHash('sha256')
      .update(await sha256(bundleFile))
      .update(`${baseBinary.path}:${baseStat.size}:${baseStat.mtimeMs}:${baseBinary.vmArgsVia}`)
      .digest('hex')
      .slice(0, 24);
    const seaDir = join(release.workDir, 'sea');
    const cached = join(seaDir, `${key}.sea`);
    const path = join(release.versionPath, release.name);
    const reused = existsSync(cached);
    if (!reused) {
      // Only the newest executable of a release is kept.
      await rm(seaDir, { recursive: true, force: true });
      await mkdir(seaDir, { recursive: true });
      await buildSea({
        nodeBinary: baseBinary.path,
        bundleFile,
        outputFile: `${cached}.tmp`,
        useCodeCache: true,
        ...(baseBinary.vmArgsVia === 'cli' ? { execArgvExtension: 'cli' as const } : {}),
        cacheDir: resolveCacheDir(),
        reporter,
      });
      await rename(`${cached}.tmp`, cached);
    }
    await copyFile(cached, path);
    await chmod(path, 0o755);
    const probe = await probeExecutable({ ...release, executable: { path, reused, nodeVersion: '' } }, []);
    return { ...release, executable: { path, reused, nodeVersion: probe.node } };
  },
  summary: ({ executable }) => (executable ? `Node ${executable.nodeVersion}${executable.reused ? ', unchanged, reused' : ''}` : undefined),
};
