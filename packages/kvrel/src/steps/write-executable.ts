/**
 * Step "building the executable": releases/<vsn>/<name>, a single executable application of the
 * launcher on the base binary, carrying the node's code (bundle) as an asset. It is rebuilt when the
 * launcher, the node's code or the base binary changed, else kept. It is then run once with the
 * probe, which also loads the node's code and native addons and checks each application's name.
 * For a target this machine cannot run (no emulator), the executable has no code cache and is not
 * probed; both are said in the build output.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { buildSea, resolveCacheDir } from '../sea/index.js';
import { bundleLauncher } from '../bundle/bundle-launcher.js';
import type { Release } from '../release/release.js';
import type { ReleaseStep } from '../release/run-steps.js';
import { requireFact } from '../release/release.js';
import { UserError } from '../user-error.js';
import type { Target } from '../sea/targets.js';
import { probeExecutable } from './probe-executable.js';
import { reusableResult, saveResult, stateKey } from '../bundle/build-state.js';
import { releaseManifest } from '../release/manifest.js';
import { NODE_BUNDLE_ASSET } from '../release/layout.js';
import { withInlineSourceMap } from '../launcher/slice-asset.js';
import type { ProbeReport } from '../node/release-node-main.js';

export const writeExecutableStep: ReleaseStep = {
  title: 'building the executable',
  run: async (release, reporter) => {
    const baseBinary = requireFact(release, 'baseBinary', 'building the executable');
    const nodeBundle = requireFact(release, 'nodeBundle', 'building the executable');
    const launcherFile = join(release.workDir, 'launcher.cjs');
    await bundleLauncher(launcherFile, `node${baseBinary.info.version.replace(/^v/, '').split('.')[0]}`, join(release.workDir, 'launcher-state.json'));
    const assets: Record<string, string> = {};
    const hash = createHash('sha256').update(await readFile(launcherFile));
    if (nodeBundle.inExecutable) {
      const assetFile = join(release.workDir, 'slice', 'node.asset.mjs');
      const text = withInlineSourceMap(await readFile(nodeBundle.file, 'utf8'), await readFile(`${nodeBundle.file}.map`, 'utf8'));
      await writeFile(assetFile, text);
      assets[NODE_BUNDLE_ASSET] = assetFile;
      hash.update(text);
    }
    const baseStat = await stat(baseBinary.path);
    const key = hash
      .update(`${baseBinary.path}:${baseStat.size}:${baseStat.mtimeMs}:${baseBinary.vmArgsVia}:${baseBinary.builder}:${baseBinary.runs}`)
      .digest('hex')
      .slice(0, 24);
    const path = join(release.versionPath, release.name);
    const builtFile = join(release.workDir, 'executable.json');
    const reused = existsSync(path) && existsSync(builtFile) && (JSON.parse(await readFile(builtFile, 'utf8')) as { key?: string }).key === key;
    const canRun = baseBinary.runs !== 'no';
    if (!canRun) reporter.warn(`  no code cache in the executable: ${baseBinary.target} binaries cannot run on this machine, so its V8 cannot make one (each command compiles the launcher when it starts); install qemu-user-static and binfmt-support to make one, see README "Targets"`);
    if (!reused) {
      await rm(builtFile, { force: true });
      await buildSea({
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
      });
      await writeFile(builtFile, JSON.stringify({ key }));
    }
    const built: Release = { ...release, launcherFile, executable: { path, reused, nodeVersion: '' } };
    // The probe's answer stands while the executable, the node's code and the manifest are the same.
    const probeState = join(release.workDir, 'probe-state.json');
    const probeKey = stateKey(key, releaseManifest(release));
    const unchanged = reused && nodeBundle.reused;
    let probe = unchanged ? reusableResult<ProbeReport>(probeState, probeKey) : undefined;
    if (!canRun) {
      reporter.warn(`  not probing the executable: ${baseBinary.target} binaries cannot run on this machine; its first start on ${baseBinary.target} is its first run`);
      probe = { name: release.name, version: release.version, node: baseBinary.info.version, execArgv: [], misnamed: [], addonFailures: [] };
    }
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

/** binutils' strip for the target's architecture (Debian's binutils-aarch64-linux-gnu), on an x64 host. */
function stripCommandFor(target: Target): string {
  return target === 'linux-arm64' ? 'aarch64-linux-gnu-strip' : 'x86_64-linux-gnu-strip';
}
