/**
 * Bundles a node's code with esbuild into one ES module: the entry source (rendered by the caller),
 * the applications it imports, the project's own packages and every npm package that bundles safely.
 * ES modules keep top-level await; packages that need their own files (addons, fonts, worker scripts,
 * transports) stay on disk (disk-packages-plugin.ts); each project module keeps its own location and
 * the scripts it names are bundled to their places (project-modules-plugin.ts), with the folders
 * whose files ship beside the code; a source map names the sources.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { copyFile, mkdir, rm } from 'node:fs/promises';
import { reusableResult, saveResult, stateKey } from './build-state.js';
import { dirname, join, relative, resolve } from 'node:path';
import { build, type BuildOptions, type Message, type Plugin } from 'esbuild';
import { UserError } from '../../shared/user-error.js';
import { firstEsbuildError } from '../config/load-config-file.js';
import { diskPackagesPlugin, type DiskPackage } from './disk-packages-plugin.js';
import { nativeAddonPlugin } from './native-addon-plugin.js';
import { DiskPackageScanner } from './stays-on-disk.js';
import { packageOf } from './package-of.js';
import { projectModulesPlugin } from './project-modules-plugin.js';
import { LOCATION_DEFINE, locationBanner, RESERVE_HERE, reserveHerePlugin, type BundleFormat } from './module-location.js';
import { isProjectModule } from './project-folder.js';
import { DecoratorMetadata } from './decorator-metadata.js';
import { missingLazyImportsPlugin } from './missing-lazy-imports-plugin.js';
import { bundledPackagesSharedWithDisk } from './shared-with-disk.js';
import { stubOptionalNativeModules } from './stub-optional-native-modules.js';
import { builtinsByRequirePlugin } from './builtins-by-require-plugin.js';
import { slashedRelative } from './import-specifier.js';

export interface BundleNodeCodeOptions {
  readonly root: string;
  readonly entrySource: string;
  /** The folder the bundle is written to (a release's lib/, or kvrel run's scratch folder). */
  readonly outDir: string;
  /** e.g. node.mjs. */
  readonly outName: string;
  readonly target: string;
  /** 'copy': a release (packages on disk are copied into outDir by the caller); 'in-place': kvrel run. */
  readonly mode: 'copy' | 'in-place';
  readonly minify?: boolean;
  /** Package names to keep on disk whatever the scan says (a release's `external`). */
  readonly external?: readonly string[];
  /** Where package scans are cached between builds. */
  readonly scanCacheFile?: string;
  /** Where the last build's inputs are remembered: when none changed, the bundle is reused as it is. */
  readonly stateFile?: string;
  /** Files and folders of outDir to remove before bundling anew (outputs of the last bundle). */
  readonly staleOutputs?: readonly string[];
  /**
   * A folder the bundle and its map are moved to once written, instead of staying in outDir: a
   * release carries them inside its executable, while their URL stays outDir's.
   */
  readonly keepIn?: string;
}

export interface NodeBundle {
  readonly file: string;
  /** Packages kept on disk, which a release copies into its lib/ with their dependencies. */
  readonly diskPackages: readonly DiskPackage[];
  /** esbuild warnings about the project's own code that predict a failure at run time, formatted. */
  readonly warnings: readonly string[];
  /** Packages the bundle reached (bundled or on disk), by name. */
  readonly reachedPackages: ReadonlySet<string>;
  /** Folders of the project whose files ship beside the code (beside-files.ts). */
  readonly besideFolders: readonly string[];
  /** Scripts bundled to their places in outDir (workers, fork and cluster targets). */
  readonly emittedScripts: readonly string[];
  /** The project's own files the bundles hold. */
  readonly bundledProjectFiles: readonly string[];
  /** true: nothing changed since the last build, the files in outDir were kept. */
  readonly reused: boolean;
}

type SavedBundle = Omit<NodeBundle, 'file' | 'reachedPackages' | 'reused'> & { readonly reachedPackages: readonly string[] };

/** Warnings whose code would fail at run time: shown for the project's own files. */
const DYNAMIC_LOAD_WARNINGS = new Set(['unsupported-require-call', 'unsupported-dynamic-import']);

export async function bundleNodeCode(options: BundleNodeCodeOptions): Promise<NodeBundle> {
  const file = join(options.keepIn ?? options.outDir, options.outName);
  const { stateFile, staleOutputs, scanCacheFile, ...asked } = options;
  const key = stateKey(KVREL_BUNDLER_RULES, asked);
  const saved = stateFile ? reusableResult<SavedBundle>(stateFile, key) : undefined;
  if (saved) return { ...saved, file, reachedPackages: new Set(saved.reachedPackages), reused: true };
  for (const stale of staleOutputs ?? []) await rm(join(options.outDir, stale), { recursive: true, force: true });
  const bundle = { ...(await bundleAnew(options)), file };
  if (options.keepIn !== undefined) {
    await mkdir(options.keepIn, { recursive: true });
    const written = join(options.outDir, options.outName);
    await moveFile(written, file);
    await moveFile(`${written}.map`, `${file}.map`);
  }
  if (stateFile) {
    const { inputs, file: _file, ...made } = bundle;
    const saving: SavedBundle = { ...made, reachedPackages: [...bundle.reachedPackages] };
    saveResult(stateFile, key, inputs, [file, `${file}.map`, ...bundle.emittedScripts], saving);
  }
  return { ...bundle, reused: false };
}

/** A copy then a removal: the release may be assembled on another file system than the build folder. */
async function moveFile(from: string, to: string): Promise<void> {
  await copyFile(from, to);
  await rm(from);
}

/** Bumped when what the bundler makes changes, so state saved by an older kvrel is not reused. */
const KVREL_BUNDLER_RULES = 4;

async function bundleAnew(options: BundleNodeCodeOptions): Promise<Omit<NodeBundle, 'reused'> & { inputs: Set<string> }> {
  const scanner = new DiskPackageScanner(options.scanCacheFile);
  const forced = new Map<string, string>(scanner.lastOnDisk.map((name) => [name, 'kept on disk by the last build']));
  for (const name of options.external ?? []) forced.set(name, 'listed in external');
  // Whether a package finds files relative to itself shows in the files the bundle loads: each pass
  // reads them, and a package found doing so is kept on disk in the next pass (a warm build starts
  // from the last build's answer and needs one pass). So are packages that load modules by computed
  // names, which esbuild reports.
  for (let pass = 0; ; pass++) {
    const found = new Map<string, DiskPackage>();
    const before = forced.size;
    const inputs = new Set<string>();
    const besideFolders = new Set<string>();
    const emitted = new Set<string>();
    const leftMissing = new Map<string, string>();
    const result = await runEsbuild(options, scanner, found, forced, inputs, { besideFolders, emitted, leftMissing });
    for (const input of Object.keys(result.metafile?.inputs ?? {})) {
      const file = resolve(options.root, input);
      const pkg = packageOf(file);
      if (!pkg || forced.has(pkg.name) || scanner.isAlwaysBundled(pkg.name)) continue;
      const what = scanner.locatesOwnFiles(file);
      if (what !== undefined) forced.set(pkg.name, `${relative(pkg.dir, file)} uses ${what}`);
    }
    const bundledFiles = Object.keys(result.metafile?.inputs ?? {}).map((input) => resolve(options.root, input));
    for (const [name, reason] of bundledPackagesSharedWithDisk(bundledFiles, [...found.values()])) {
      if (!forced.has(name) && !scanner.isAlwaysBundled(name)) forced.set(name, reason);
    }
    for (const warning of result.warnings) {
      if (!DYNAMIC_LOAD_WARNINGS.has(warning.id ?? '') || !warning.location) continue;
      const pkg = packageOf(resolve(options.root, warning.location.file));
      if (pkg && !forced.has(pkg.name) && !scanner.isAlwaysBundled(pkg.name)) forced.set(pkg.name, `${warning.location.file} loads modules by computed names`);
    }
    if (forced.size > before && pass < 4) continue;
    scanner.save([...found.values()].map((p) => p.name).sort());
    const file = join(options.outDir, options.outName);
    for (const input of Object.keys(result.metafile?.inputs ?? {})) inputs.add(resolve(options.root, input));
    if (options.mode === 'copy') rewriteSourceMap(`${file}.map`, options);
    const reachedPackages = new Set<string>();
    for (const input of Object.keys(result.metafile?.inputs ?? {})) {
      const pkg = packageOf(resolve(options.root, input));
      if (pkg) reachedPackages.add(pkg.name);
    }
    for (const pkg of found.values()) reachedPackages.add(pkg.name);
    const bundledProjectFiles = [...inputs].filter((input) => isProjectModule(options.root, input));
    return {
      file,
      diskPackages: [...found.values()],
      warnings: [...projectWarnings(result.warnings), ...missingLazyImportsWarning(leftMissing)],
      reachedPackages,
      besideFolders: outermost(besideFolders),
      emittedScripts: [...emitted].sort(),
      bundledProjectFiles,
      inputs,
    };
  }
}

function esbuildOptions(options: BundleNodeCodeOptions, outfile: string, format: BundleFormat): BuildOptions {
  const libFromBundle = slashedRelative(dirname(outfile), options.outDir) || '.';
  return {
    bundle: true,
    platform: 'node',
    format,
    outfile,
    target: options.target,
    minify: options.minify ?? false,
    keepNames: true,
    sourcemap: 'linked',
    sourcesContent: false,
    metafile: true,
    logLevel: 'silent',
    legalComments: 'none',
    banner: { js: locationBanner(format, libFromBundle) },
    define: LOCATION_DEFINE,
    inject: [RESERVE_HERE],
    absWorkingDir: options.root,
  };
}

/** What a pass of esbuild finds besides its bundle. */
interface PassFindings {
  /** Folders whose files ship beside the code. */
  readonly besideFolders: Set<string>;
  /** Scripts bundled to their places. */
  readonly emitted: Set<string>;
  /** Packages not installed that a package loads only lazily, with the package that does. */
  readonly leftMissing: Map<string, string>;
}

async function runEsbuild(
  options: BundleNodeCodeOptions,
  scanner: DiskPackageScanner,
  found: Map<string, DiskPackage>,
  forced: Map<string, string>,
  inputs: Set<string>,
  { besideFolders, emitted, leftMissing }: PassFindings,
) {
  const libDir = options.outDir;
  const metadata = new DecoratorMetadata(options.root);
  const plugins = (bundleDir: string): Plugin[] => [
    builtinsByRequirePlugin,
    reserveHerePlugin,
    stubOptionalNativeModules,
    nativeAddonPlugin({ mode: options.mode, libDir, bundleDir, onDisk: forced }),
    diskPackagesPlugin({ root: options.root, scanner, mode: options.mode, libDir, bundleDir, found, forced }),
    missingLazyImportsPlugin({ external: options.external ?? [], leftMissing }),
    projectModulesPlugin({ root: options.root, libDir, bundleScript, emitted, besideFolders, metadata }),
  ];
  const bundleScript = async (entry: string, outfile: string, format: BundleFormat): Promise<void> => {
    const nested = await build({ ...esbuildOptions(options, outfile, format), entryPoints: [entry], plugins: plugins(dirname(outfile)) });
    for (const input of Object.keys(nested.metafile?.inputs ?? {})) inputs.add(resolve(options.root, input));
  };
  try {
    const result = await build({
      ...esbuildOptions(options, join(options.outDir, options.outName), 'esm'),
      stdin: { contents: options.entrySource, resolveDir: options.root, sourcefile: 'kvrel-node-entry.ts', loader: 'ts' },
      plugins: plugins(libDir),
    });
    for (const tsconfig of metadata.tsconfigFiles) inputs.add(tsconfig);
    return result;
  } catch (error) {
    // A plugin's own user error (decorator-metadata.ts: no TypeScript) keeps its code.
    const detail = (error as { errors?: Message[] }).errors?.[0]?.detail as unknown;
    if (detail instanceof UserError) throw detail;
    throw new UserError('KVREL_BUNDLE_FAILED', `could not bundle the node: ${firstEsbuildError(error)}`);
  }
}

/**
 * Source paths in a release's map are written relative to the project root, so stack traces read
 * `releases/<vsn>/lib/apps/api/src/server.ts:12:5`: the project's own path of the file, not a path of
 * the build machine.
 */
function rewriteSourceMap(mapFile: string, options: BundleNodeCodeOptions): void {
  const map = JSON.parse(readFileSync(mapFile, 'utf8')) as { sources: string[] };
  map.sources = map.sources.map((source) => {
    const fromRoot = relative(options.root, resolve(options.outDir, source));
    return fromRoot.startsWith('..') ? source : fromRoot;
  });
  writeFileSync(mapFile, JSON.stringify(map));
}

/** One line for the modules left as run-time imports because no package loads them but lazily. */
function missingLazyImportsWarning(leftMissing: ReadonlyMap<string, string>): string[] {
  if (leftMissing.size === 0) return [];
  const list = [...leftMissing].map(([name, by]) => `${name} (by ${by})`).join(', ');
  return [`not installed, loaded only lazily, left to fail at run time as under node if ever reached: ${list}`];
}

/** The folders, less those inside another (mirroring the outer one ships them). */
function outermost(folders: ReadonlySet<string>): string[] {
  const sorted = [...folders].sort();
  return sorted.filter((dir) => !sorted.some((outer) => outer !== dir && !relative(outer, dir).startsWith('..')));
}

function projectWarnings(warnings: readonly Message[]): string[] {
  return warnings
    .filter((w) => w.location && !w.location.file.includes('node_modules/') && w.location.file !== 'kvrel-node-entry.ts')
    .map((w) => `${w.location!.file}:${w.location!.line}:${w.location!.column}: ${w.text}`);
}
