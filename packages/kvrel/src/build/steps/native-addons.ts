/**
 * Step "checking native addons": the `.node` files in the release's lib/ must load in the Node the
 * release embeds. A package may ship several (prebuilt variants for glibc and musl, one per ABI): it
 * is fine when one of them loads. A package none of whose addons loads because they were built for
 * another ABI (npm compiled it for the Node that runs the tools) is rebuilt against the embedded
 * Node's headers when it has a binding.gyp; otherwise the build stops with one line naming the
 * package and the fix. Never a build that succeeds and a node that fails at boot: the executable's
 * probe loads each addon that loaded here once more.
 * For another target (cross-target-addons.ts) the addons built for it are taken, fetching the
 * target's per-platform packages from npm first; nothing is compiled.
 */
import { existsSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { checkAddons, type AddonLoadFailure } from '../addons/check-addons.js';
import { findAddons } from '../addons/find-addons.js';
import { rebuildAddon } from '../addons/rebuild-addon.js';
import { LIB_DIR } from '../../shared/layout.js';
import { requireFact, type Release } from '../release/release.js';
import type { ReleaseStep } from '../release/run-steps.js';
import { resolveCacheDir } from '../sea/index.js';
import { ensureEmbeddedNodeHeaders } from '../sea/embedded-node-headers.js';
import { UserError } from '../../shared/user-error.js';
import { reusableResult, saveResult, stateKey } from '../bundle/build-state.js';
import type { BaseBinary } from '../sea/base-binary.js';
import { hostTarget } from '../sea/targets.js';
import { crossTargetAddons } from './cross-target-addons.js';

export interface AddonPackage {
  /** Folder inside lib/ (or lib/ itself for addons of bundled code). */
  readonly dir: string;
  readonly name: string;
  readonly files: readonly string[];
}

export const nativeAddonsStep: ReleaseStep = {
  title: 'checking native addons',
  run: async (release, reporter) => {
    const lib = join(release.versionPath, LIB_DIR);
    const baseBinary = requireFact(release, 'baseBinary', 'checking native addons');
    // Addons that loaded last time, unchanged, on the same binary, load now: no Node started for them.
    if (baseBinary.target !== hostTarget()) return { ...release, addons: await crossTargetAddons(release, baseBinary, lib, addonPackages, reporter) };
    const stateFile = join(release.workDir, 'addons-state.json');
    const key = stateKey(baseBinary.path, baseBinary.info.version, lib);
    const known = reusableResult<string[]>(stateFile, key);
    if (known) return { ...release, addons: known };
    const loadable: string[] = [];
    for (const pkg of addonPackages(lib)) {
      let failures = await checkAddons(
        baseBinary.path,
        pkg.files.map((f) => join(lib, f)),
      );
      if (failures.length < pkg.files.length) {
        const failed = new Set(failures.map((f) => relative(lib, f.file)));
        loadable.push(...pkg.files.filter((f) => !failed.has(f)));
        continue;
      }
      const mismatch = failures.find((f) => f.abi);
      if (!mismatch) throw refuse(release, pkg, failures[0]!, 'the addon cannot be loaded; check that the system libraries it links to are installed');
      if (!existsSync(join(pkg.dir, 'binding.gyp'))) {
        throw refuse(
          release,
          pkg,
          mismatch,
          `install a build of ${pkg.name} for Node ${baseBinary.info.version} (an N-API one works on any Node), or embed the Node it was built for with --node`,
        );
      }
      const nodeDir = await headersFor(baseBinary);
      if (!nodeDir)
        throw refuse(
          release,
          pkg,
          mismatch,
          `kvrel has no headers for ${baseBinary.path} to rebuild it; use the embedded Node (drop --node), or install ${pkg.name} built for it`,
        );
      reporter.info(
        `  rebuilding ${pkg.name} for Node ${baseBinary.info.version} ` +
          `(NODE_MODULE_VERSION ${mismatch.abi!.needed}; it was built for ${mismatch.abi!.builtFor})`,
      );
      const outcome = await rebuildAddon({
        packageDir: pkg.dir,
        packageName: pkg.name,
        nodeDir,
        nodeVersion: baseBinary.info.version,
        cacheDir: resolveCacheDir(),
      });
      if (!outcome.ok)
        throw refuse(
          release,
          pkg,
          mismatch,
          `rebuilding it failed (${outcome.reason}); install python3, make and a C++ compiler, or a build of ${pkg.name} for Node ${baseBinary.info.version}`,
        );
      const files = findAddons(pkg.dir).map((f) => relative(lib, join(pkg.dir, f)));
      failures = await checkAddons(
        baseBinary.path,
        files.map((f) => join(lib, f)),
      );
      if (failures.length === files.length) throw refuse(release, pkg, failures[0] ?? mismatch, 'it still does not load after rebuilding it');
      const failed = new Set(failures.map((f) => relative(lib, f.file)));
      loadable.push(...files.filter((f) => !failed.has(f)));
    }
    loadable.sort();
    saveResult(stateFile, key, [baseBinary.path, ...findAddons(lib).map((f) => join(lib, f))], [], loadable);
    return { ...release, addons: loadable };
  },
  summary: ({ addons }) => (addons && addons.length > 0 ? addons.join(', ') : 'none'),
};

/** The addons under lib/, grouped by the package that holds them. */
export function addonPackages(lib: string): AddonPackage[] {
  const byDir = new Map<string, string[]>();
  for (const file of findAddons(lib)) {
    const dir = owningPackage(join(lib, file), lib) ?? lib;
    byDir.set(dir, [...(byDir.get(dir) ?? []), file]);
  }
  return [...byDir].map(([dir, files]) => ({ dir, files, name: dir === lib ? 'the bundled code' : relative(lib, dir).split('node_modules/').at(-1)! }));
}

function refuse(release: Release, pkg: AddonPackage, failure: AddonLoadFailure, fix: string): UserError {
  const file = relative(join(release.versionPath, LIB_DIR), failure.file);
  const problem = failure.abi
    ? `was built for NODE_MODULE_VERSION ${failure.abi.builtFor} but the release's Node needs ${failure.abi.needed}`
    : `does not load (${failure.reason})`;
  return new UserError(
    'KVREL_NATIVE_ADDON',
    `release ${JSON.stringify(release.name)}: native addon ${file} of package ${JSON.stringify(pkg.name)} ${problem}; ${fix}`,
  );
}

/** The nearest folder above `file` (inside lib) that has a package.json. */
function owningPackage(file: string, lib: string): string | undefined {
  for (let dir = dirname(file); dir.startsWith(lib) && dir !== lib; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
  }
  return undefined;
}

/** --nodedir for the base binary: the embedded Node's headers, or an installed Node's own include/. */
async function headersFor(baseBinary: BaseBinary): Promise<string | undefined> {
  if (baseBinary.runtime) return ensureEmbeddedNodeHeaders(resolveCacheDir(), baseBinary.runtime);
  const prefix = dirname(dirname(baseBinary.path));
  return existsSync(join(prefix, 'include', 'node', 'node_version.h')) ? prefix : undefined;
}
