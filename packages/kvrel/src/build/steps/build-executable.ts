/**
 * Step "building the executable": releases/<vsn>/<name>, a single executable application of the
 * launcher on the base binary, carrying the node's code as an asset. Rebuilt when the launcher, the
 * node's code or the base binary changed, else kept; when only the node's code changed, the blob of the
 * executable already built is replaced (sea/replace-sea-blob.ts) instead of building the binary anew.
 * For a target this machine cannot run (no emulator) the host's Node of the same version writes it,
 * without a code cache, and the build says so.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileStamp } from '../bundle/build-state.js';
import { buildSea, resolveCacheDir } from '../sea/index.js';
import type { BaseBinary } from '../sea/base-binary.js';
import type { Target } from '../sea/targets.js';
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
    const canRun = baseBinary.runs !== 'no';
    if (!canRun)
      reporter.warn(
        `no code cache in the executable: ${baseBinary.target} binaries cannot run on this machine, so its V8 cannot make one (each command compiles ` +
          `the launcher when it starts); install qemu-user-static and binfmt-support to make one, see README "Targets"`,
      );
    if (!reused) {
      await rm(builtFile, { force: true });
      ({ blobReplaced } = await buildSea({
        ...(lastBuild.frame === frame ? { previousExecutable: path } : {}),
        nodeBinary: baseBinary.path,
        bundleFile: launcherFile,
        outputFile: path,
        useCodeCache: canRun,
        assets,
        baseInfo: baseBinary.info,
        builderBinary: baseBinary.builder,
        ...(baseBinary.runs === 'native' ? {} : { stripCommand: stripCommandFor(baseBinary.target), stripVerifiable: canRun }),
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

/** What the executable is made of besides its assets: the launcher, the base binary, how it takes vm.args and which Node builds it. */
async function frameKey(launcherFile: string, baseBinary: BaseBinary): Promise<string> {
  return createHash('sha256')
    .update(await readFile(launcherFile))
    .update(`${baseBinary.path}:${fileStamp(baseBinary.path)}:${baseBinary.vmArgsVia}:${baseBinary.builder}:${baseBinary.runs}`)
    .digest('hex')
    .slice(0, 24);
}

/** What the executable is made of: its frame and its assets. */
async function executableKey(frame: string, assetFiles: readonly string[]): Promise<string> {
  const hash = createHash('sha256').update(frame);
  for (const file of assetFiles) hash.update(await readFile(file));
  return hash.digest('hex').slice(0, 24);
}

/** binutils' strip for the target's architecture (Debian's binutils-aarch64-linux-gnu), on an x64 host. */
function stripCommandFor(target: Target): string {
  return target === 'linux-arm64' ? 'aarch64-linux-gnu-strip' : 'x86_64-linux-gnu-strip';
}
