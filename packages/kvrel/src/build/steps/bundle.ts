/**
 * Step "bundling": the node's code: kvrel's node side, the runtime and only this release's
 * applications with what they import, as one ES module with its source map, carried inside the
 * executable (write-slice-asset, build-executable) under the URL releases/<vsn>/lib/node.mjs; on a base Node without
 * module.registerHooks (before 22.15) it stays on disk at that place. npm
 * packages that need their own files stay on disk and are copied into lib/ with their dependencies,
 * as are dependencies an application declares but loads only by name at run time (pino transports).
 */
import { realpathSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { kvrelEntryFile } from '../package-dir.js';
import { bundleNodeCode } from '../bundle/bundle-node-code.js';
import { renderApplicationsModule } from '../bundle/applications-module.js';
import { copyDiskPackages, findInstalled } from '../bundle/copy-disk-packages.js';
import { packageOf, type PackageLocation } from '../bundle/package-of.js';
import { ADDONS_DIR } from '../bundle/native-addon-plugin.js';
import { COMPILE_CACHE_DIR, IMPORT_SHIM_FILE, LIB_DIR, NODE_BUNDLE_FILE } from '../../shared/layout.js';
import { requireFact, type Release } from '../release/release.js';
import { servesSliceFromExecutable } from '../../shared/slice-facts.js';
import type { ReleaseStep } from '../release/run-steps.js';

export const NODE_TARGET = 'node24';

export const bundleStep: ReleaseStep = {
  title: 'bundling',
  run: async (release, reporter) => {
    const lib = join(release.versionPath, LIB_DIR);
    const inExecutable = servesSliceFromExecutable(requireFact(release, 'baseBinary', 'bundling').info.version);
    const entrySource =
      renderApplicationsModule(
        release.applications.filter((a) => a.mode !== 'none'),
        'release',
      ) +
      `import { releaseNode } from ${JSON.stringify(kvrelEntryFile('node/release-node-main'))};\n` +
      `export const { runReleaseNode } = releaseNode(applications);\n`;
    const bundle = await bundleNodeCode({
      root: release.root,
      entrySource,
      outDir: lib,
      outName: NODE_BUNDLE_FILE,
      target: NODE_TARGET,
      mode: 'copy',
      minify: true,
      external: release.external,
      scanCacheFile: join(release.workDir, 'package-scan.json'),
      stateFile: join(release.workDir, 'bundle-state.json'),
      staleOutputs: [ADDONS_DIR, COMPILE_CACHE_DIR, NODE_BUNDLE_FILE, `${NODE_BUNDLE_FILE}.map`],
      ...(inExecutable ? { keepIn: join(release.workDir, 'slice') } : {}),
    });
    for (const warning of bundle.warnings) reporter.warn(warning);
    await writeFile(join(lib, IMPORT_SHIM_FILE), 'module.exports = (url) => import(url);\n');
    const onDisk: PackageLocation[] = [...bundle.diskPackages, ...declaredButUnreached(release, bundle.reachedPackages)];
    await copyDiskPackages(release.root, lib, onDisk);
    const { file, reused, besideFolders, emittedScripts, bundledProjectFiles } = bundle;
    const diskPackages = [...new Set(onDisk.map((p) => p.name))].sort();
    return { ...release, nodeBundle: { file, reused, inExecutable, diskPackages, besideFolders, emittedScripts, bundledProjectFiles } };
  },
  summary: (release) => {
    const apps = release.applications.map((a) => `${a.name} ${a.mode}`).join(', ') + (release.nodeBundle?.reused ? ', unchanged' : '');
    const disk = release.nodeBundle?.diskPackages ?? [];
    return disk.length > 0 ? `${apps}; on disk: ${disk.join(', ')}` : apps;
  },
};

/**
 * npm dependencies an application declares that the bundle never imports: loaded by name at run
 * time (a pino transport target, a plugin named in configuration), so they ship as files.
 */
function declaredButUnreached(release: Release, reached: ReadonlySet<string>): PackageLocation[] {
  const found: PackageLocation[] = [];
  for (const app of release.applications) {
    for (const name of app.npmDependencies ?? []) {
      if (reached.has(name)) continue;
      const dir = findInstalled(name, app.dir);
      if (!dir) continue;
      // A workspace package linked into node_modules is source, not a package to copy.
      if (!packageOf(realpathSync(dir))) continue;
      found.push({ name, dir: realpathSync(dir) });
    }
  }
  return found;
}
