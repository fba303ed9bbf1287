/**
 * Native addons of a release built for another target: the project's install holds the host's builds,
 * so the target's per-platform packages are fetched from npm first (addons/target-packages.ts), then
 * each package with addons must hold one built for the target (its ELF machine says which): loaded by
 * the target's Node when it runs here under an emulator, else taken as built. A package that holds only
 * other platforms' builds is refused in one line: one with a binding.gyp would have to be compiled for
 * the target, which kvrel does not do (no cross compiler is assumed); a per-platform package for
 * another platform (its package.json's `cpu`/`os` leave the target out) is left alone.
 */
import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { addTargetPackages, excludesTarget, readManifest } from '../addons/target-packages.js';
import { checkAddons } from '../addons/check-addons.js';
import { findAddons } from '../addons/find-addons.js';
import { reusableResult, saveResult, stateKey } from '../bundle/build-state.js';
import { LIB_DIR } from '../../shared/layout.js';
import type { Release } from '../release/release.js';
import type { Reporter } from '../reporter.js';
import { resolveCacheDir } from '../sea/index.js';
import { elfTarget } from '../sea/targets.js';
import { UserError } from '../../shared/user-error.js';
import type { AddonPackage } from './native-addons.js';
import type { BaseBinary } from '../sea/base-binary.js';

export async function crossTargetAddons(
  release: Release,
  baseBinary: BaseBinary,
  lib: string,
  addonPackages: (lib: string) => AddonPackage[],
  reporter: Reporter,
): Promise<string[]> {
  const { target } = baseBinary;
  if (addonPackages(lib).length === 0) return [];
  const added = await addTargetPackages(lib, target, resolveCacheDir());
  if (added.length > 0) reporter.info(`  added ${target} builds from npm: ${added.join(', ')}`);
  // Addons that were taken last time, unchanged, for the same base: taken now, with no emulated Node started.
  const stateFile = join(release.workDir, 'addons-state.json');
  const key = stateKey(baseBinary.path, baseBinary.info.version, lib, target, baseBinary.runs);
  const known = reusableResult<string[]>(stateFile, key);
  if (known) return known;
  const loadable: string[] = [];
  for (const pkg of addonPackages(lib)) {
    const manifest = pkg.dir === lib ? undefined : readManifest(pkg.dir);
    if (manifest && excludesTarget(manifest, target)) continue;
    const forTarget = pkg.files.filter((file) => elfTarget(join(lib, file)) === target);
    if (forTarget.length === 0) {
      const fix = existsSync(join(pkg.dir, 'binding.gyp'))
        ? `it has no prebuilt ${target} binary and would have to be compiled (binding.gyp); build the release on a ${target} machine, or use a ` +
          `version of ${pkg.name} that ships ${target} prebuilds`
        : `it ships no ${target} build; build the release on a ${target} machine, or use a package that ships ${target} prebuilds`;
      throw new UserError(
        'KVREL_NATIVE_ADDON',
        `release ${JSON.stringify(release.name)}: native addon ${pkg.files[0]} of package ${JSON.stringify(pkg.name)} is not built for ${target}: ${fix}`,
      );
    }
    if (baseBinary.runs === 'no') {
      loadable.push(...forTarget);
      continue;
    }
    const failures = await checkAddons(
      baseBinary.path,
      forTarget.map((file) => join(lib, file)),
    );
    if (failures.length === forTarget.length) {
      throw new UserError(
        'KVREL_NATIVE_ADDON',
        `release ${JSON.stringify(release.name)}: native addon ${relative(join(release.versionPath, LIB_DIR), failures[0]!.file)} of package ` +
          `${JSON.stringify(pkg.name)} does not load in the ${target} Node (${failures[0]!.reason}); check the system libraries it links to`,
      );
    }
    const failed = new Set(failures.map((f) => relative(lib, f.file)));
    loadable.push(...forTarget.filter((file) => !failed.has(file)));
  }
  if (baseBinary.runs === 'no' && loadable.length > 0)
    reporter.warn(`${target} addons taken as built, not loaded: ${target} binaries cannot run on this machine`);
  loadable.sort();
  saveResult(stateFile, key, [baseBinary.path, ...findAddons(lib).map((file) => join(lib, file))], [], loadable);
  return loadable;
}
