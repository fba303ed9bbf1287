/**
 * Step "building the executable": releases/<vsn>/<name>, a single executable application of the
 * launcher on the base binary, carrying the node's code as an asset. Rebuilt when the launcher, the
 * node's code or the base binary changed, else kept; when only the node's code changed, the blob of the
 * executable already built is replaced (sea/replace-sea-blob.ts) instead of building the binary anew.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileStamp } from '../bundle/build-state.js';
import { buildSea, resolveCacheDir } from '../sea/index.js';
import type { BaseBinary } from '../sea/base-binary.js';
import { requireFact } from '../release/release.js';
import type { ReleaseStep } from '../release/run-steps.js';
import { NODE_BUNDLE_ASSET } from '../../shared/layout.js';

const TITLE = 'building the executable';

export const buildExecutableStep: ReleaseStep = {
  title: TITLE,
  run: async (release, reporter) => {
    const baseBinary = requireFact(release, 'baseBinary', TITLE);
    const launcherFile = requireFact(release, 'launcherFile', TITLE);
    const assets: Record<string, string> = release.sliceAsset ? { [NODE_BUNDLE_ASSET]: release.sliceAsset } : {};
    const frame = await frameKey(launcherFile, baseBinary);
    const key = await executableKey(frame, Object.values(assets));
    const path = join(release.versionPath, release.name);
    const builtFile = join(release.workDir, 'executable.json');
    const lastBuild = existsSync(path) && existsSync(builtFile) ? (JSON.parse(await readFile(builtFile, 'utf8')) as { key?: string; frame?: string }) : {};
    const reused = lastBuild.key === key;
    let blobReplaced = false;
    if (!reused) {
      await rm(builtFile, { force: true });
      ({ blobReplaced } = await buildSea({
        ...(lastBuild.frame === frame ? { previousExecutable: path } : {}),
        nodeBinary: baseBinary.path,
        bundleFile: launcherFile,
        outputFile: path,
        useCodeCache: true,
        assets,
        ...(baseBinary.vmArgsVia === 'cli' ? { execArgvExtension: 'cli' as const } : {}),
        cacheDir: resolveCacheDir(),
        reporter,
      }));
      await writeFile(builtFile, JSON.stringify({ key, frame }));
    }
    return { ...release, executable: { path, reused, key, blobReplaced } };
  },
  summary: ({ executable, baseBinary }) =>
    executable && baseBinary
      ? `Node ${baseBinary.info.version}${executable.reused ? ', unchanged, reused' : ''}${executable.blobReplaced ? ", node's code replaced" : ''}`
      : undefined,
};

/** What the executable is made of besides its assets: the launcher, the base binary and how it takes vm.args. */
async function frameKey(launcherFile: string, baseBinary: BaseBinary): Promise<string> {
  return createHash('sha256')
    .update(await readFile(launcherFile))
    .update(`${baseBinary.path}:${fileStamp(baseBinary.path)}:${baseBinary.vmArgsVia}`)
    .digest('hex')
    .slice(0, 24);
}

/** What the executable is made of: its frame and its assets. */
async function executableKey(frame: string, assetFiles: readonly string[]): Promise<string> {
  const hash = createHash('sha256').update(frame);
  for (const file of assetFiles) hash.update(await readFile(file));
  return hash.digest('hex').slice(0, 24);
}
