/**
 * Decides which npm packages a release keeps as files instead of bundling them:
 * - a package holding a native addon (a `.node` file or a binding.gyp): a SEA cannot load an addon
 *   from memory, and loaders such as `bindings` look for it beside the package's code;
 * - a package whose bundled code finds files relative to itself (`__dirname`, `import.meta.url`,
 *   `require.resolve`, `new Worker`): fonts, templates, worker scripts and transports only work where
 *   the package's own files are. Only the files the bundle actually loads are read.
 * Answers are cached per package (package.json stamp) and per file (size and mtime), in memory and in
 * a file, so a warm build reads nothing twice.
 */
import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { filesUnder } from '../addons/find-addons.js';
import { fileStamp } from './build-state.js';

/** Packages known to bundle safely although their code mentions such things (kvrel's own runtime). */
const ALWAYS_BUNDLED = new Set(['@kvrel/runtime', 'kvrel']);

const LOCATES_OWN_FILES = /\b__dirname\b|\b__filename\b|import\.meta\.(?:url|dirname|filename)\b|\brequire\.resolve\b|\bnew\s+Worker\b/;
/**
 * `createRequire(import.meta.url)` (and its CommonJS transpilation by rollup) loads packages by name,
 * not files beside the code: it works from a bundle too.
 */
const CREATE_REQUIRE_HERE = new RegExp(
  [
    /createRequire\(\s*import\.meta\.url\s*\)/.source,
    /createRequire\(\(typeof document === 'undefined' \? new \(require\('u' \+ 'rl'\)\.URL\)\('file:' \+ __filename\)\.href/.source,
  ].join('|'),
  'g',
);

/** Bumped when the rules change, so answers cached by older rules are not reused. */
const RULES = 3;

interface ScanCache {
  rules: number;
  addons: Record<string, { stamp: string; addon: string | null }>;
  files: Record<string, { stamp: string; found: string | null }>;
  /** Packages the last build kept on disk: the next build starts from them (one esbuild pass). */
  lastOnDisk: string[];
}

export class DiskPackageScanner {
  private readonly cache: ScanCache;
  private dirty = false;

  constructor(private readonly cacheFile?: string) {
    const loaded = cacheFile && existsSync(cacheFile) ? (JSON.parse(readFileSync(cacheFile, 'utf8')) as ScanCache) : undefined;
    this.cache = loaded?.rules === RULES ? loaded : { rules: RULES, addons: {}, files: {}, lastOnDisk: [] };
  }

  isAlwaysBundled(name: string): boolean {
    return ALWAYS_BUNDLED.has(name);
  }

  /** The package's native addon (a path inside it), or undefined. */
  nativeAddon(dir: string): string | undefined {
    const stamp = fileStamp(join(dir, 'package.json'));
    const cached = this.cache.addons[dir];
    if (cached && cached.stamp === stamp) return cached.addon ?? undefined;
    const addon = findNativeAddon(dir);
    this.cache.addons[dir] = { stamp, addon: addon ?? null };
    this.dirty = true;
    return addon;
  }

  /** What in this file finds files relative to it (e.g. "__dirname"), or undefined. */
  locatesOwnFiles(file: string): string | undefined {
    const stamp = fileStamp(file);
    const cached = this.cache.files[file];
    if (cached && cached.stamp === stamp) return cached.found ?? undefined;
    let found: string | undefined;
    try {
      found = LOCATES_OWN_FILES.exec(readFileSync(file, 'utf8').replace(CREATE_REQUIRE_HERE, ''))?.[0].replace(/\s+/g, ' ');
    } catch {
      found = undefined;
    }
    this.cache.files[file] = { stamp, found: found ?? null };
    this.dirty = true;
    return found;
  }

  get lastOnDisk(): readonly string[] {
    return this.cache.lastOnDisk;
  }

  save(onDisk: readonly string[]): void {
    if (!this.cacheFile) return;
    if (!this.dirty && onDisk.join() === this.cache.lastOnDisk.join()) return;
    this.cache.lastOnDisk = [...onDisk];
    mkdirSync(dirname(this.cacheFile), { recursive: true });
    writeFileSync(this.cacheFile, JSON.stringify(this.cache));
    this.dirty = false;
  }
}

/** A `.node` file or binding.gyp inside the package (nested node_modules are other packages). */
export function findNativeAddon(dir: string): string | undefined {
  for (const file of filesUnder(dir, (name) => name === 'node_modules' || name === '.git')) {
    if (file.endsWith('.node') || basename(file) === 'binding.gyp') return relative(dir, file);
  }
  return undefined;
}
