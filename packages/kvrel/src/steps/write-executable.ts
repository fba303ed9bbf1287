/**
 * Step "building the executable": releases/<vsn>/<name>, a single executable application of the
 * launcher on the base binary. The launcher is the same for every release of this kvrel, so the
 * executable is built once per base binary and kept in kvrel's cache: a release, warm or cold,
 * usually only copies it. It is then run once with the probe, which also loads the node's code and
 * native addons and checks each application's name.
 */
import { createHash } from 'node:crypto';
import { constants, existsSync } from 'node:fs';
import { chmod, copyFile, mkdir, readFile, readdir, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { buildSea, resolveCacheDir } from '../sea/index.js';
import { bundleLauncher } from '../bundle/bundle-launcher.js';
import type { Release } from '../release/release.js';
import type { ReleaseStep } from '../release/run-steps.js';
import { requireFact } from '../release/release.js';
import { UserError } from '../user-error.js';
import { probeExecutable } from './probe-executable.js';
import { reusableResult, saveResult, stateKey } from '../bundle/build-state.js';
import { releaseManifest } from '../release/manifest.js';
import type { ProbeReport } from '../node/release-node-main.js';

/** Executables kept in the cache (different kvrel versions or base binaries). */
const KEEP_CACHED = 4;

export const writeExecutableStep: ReleaseStep = {
  title: 'building the executable',
  run: async (release, reporter) => {
    const baseBinary = requireFact(release, 'baseBinary', 'building the executable');
    const launcherFile = join(release.workDir, 'launcher.cjs');
    await bundleLauncher(launcherFile, `node${baseBinary.info.version.replace(/^v/, '').split('.')[0]}`, join(release.workDir, 'launcher-state.json'));
    const baseStat = await stat(baseBinary.path);
    const key = createHash('sha256')
      .update(await readFile(launcherFile))
      .update(`${baseBinary.path}:${baseStat.size}:${baseStat.mtimeMs}:${baseBinary.vmArgsVia}`)
      .digest('hex')
      .slice(0, 24);
    const seaDir = join(resolveCacheDir(), 'sea');
    const cached = join(seaDir, `${key}.sea`);
    const reused = existsSync(cached);
    if (reused) {
      const now = new Date();
      await utimes(cached, now, now); // most recently used, for pruning
    } else {
      await mkdir(seaDir, { recursive: true });
      const partial = `${cached}.${process.pid}.tmp`;
      await buildSea({
        nodeBinary: baseBinary.path,
        bundleFile: launcherFile,
        outputFile: partial,
        useCodeCache: true,
        ...(baseBinary.vmArgsVia === 'cli' ? { execArgvExtension: 'cli' as const } : {}),
        cacheDir: resolveCacheDir(),
        reporter,
      });
      await rename(partial, cached);
      await pruneCache(seaDir);
    }
    const path = join(release.versionPath, release.name);
    const copiedFile = join(release.workDir, 'executable.json');
    const copied = existsSync(path) && existsSync(copiedFile) && (JSON.parse(await readFile(copiedFile, 'utf8')) as { key?: string }).key === key;
    if (!copied) {
      await rm(path, { force: true });
      // A reflink where the file system has them, else a plain copy.
      await copyFile(cached, path, constants.COPYFILE_FICLONE);
      await chmod(path, 0o755);
      await writeFile(copiedFile, JSON.stringify({ key }));
    }
    const built: Release = { ...release, launcherFile, executable: { path, reused, nodeVersion: '' } };
    // The probe's answer stands while the executable, the node's code and the manifest are the same.
    const probeState = join(release.workDir, 'probe-state.json');
    const probeKey = stateKey(key, releaseManifest(release));
    const unchanged = copied && release.nodeBundle?.reused === true;
    let probe = unchanged ? reusableResult<ProbeReport>(probeState, probeKey) : undefined;
    if (!probe) {
      const { result: _result, ...report } = await probeExecutable(built, []);
      probe = report;
      saveResult(probeState, probeKey, [], [], probe);
    }
    if (probe.misnamed.length > 0) {
      const { packageName, specName } = probe.misnamed[0]!;
      throw new UserError('KVREL_INVALID_APPLICATION', `release ${JSON.stringify(release.name)}: package ${JSON.stringify(packageName)} default-exports an application named ${JSON.stringify(specName)}; an application's name must be its package name, so set name: ${JSON.stringify(packageName)}`);
    }
    if (probe.addonFailures.length > 0) {
      const { file, reason } = probe.addonFailures[0]!;
      throw new UserError('KVREL_NATIVE_ADDON', `release ${JSON.stringify(release.name)}: the executable cannot load native addon ${file}: ${reason}`);
    }
    return { ...built, executable: { path, reused, nodeVersion: probe.node } };
  },
  summary: ({ executable }) => (executable ? `Node ${executable.nodeVersion}${executable.reused ? ', unchanged, reused' : ''}` : undefined),
};

async function pruneCache(seaDir: string): Promise<void> {
  const files = (await readdir(seaDir)).filter((f) => f.endsWith('.sea'));
  if (files.length <= KEEP_CACHED) return;
  const dated = await Promise.all(files.map(async (f) => ({ f, at: (await stat(join(seaDir, f))).mtimeMs })));
  dated.sort((a, b) => b.at - a.at);
  for (const { f } of dated.slice(KEEP_CACHED)) await rm(join(seaDir, f), { force: true });
}
