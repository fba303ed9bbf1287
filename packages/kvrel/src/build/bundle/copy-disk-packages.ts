/**
 * Copies the packages a release keeps on disk into its lib/, each with its dependencies (dependencies,
 * optionalDependencies and peerDependencies that are installed), found the way Node finds them: in
 * node_modules folders from the package's own folder upwards. Each lands at its path from the project
 * root, so the copy resolves exactly as the project did. A package already there from the last build
 * (same source, same package.json) is not copied again, so a warm build copies nothing; packages no
 * longer needed are removed.
 */
import { existsSync, readFileSync } from 'node:fs';
import { cp, mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join, relative } from 'node:path';
import { fileStamp } from './build-state.js';
import { pathInLib } from './disk-packages-plugin.js';
import type { PackageLocation } from './package-of.js';

const STAMP = '.kvrel-copied';

interface PackageJson {
  name?: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

/** The packages and their dependency closure, by folder. */
export function dependencyClosure(roots: readonly PackageLocation[]): PackageLocation[] {
  const seen = new Map<string, PackageLocation>();
  const queue = [...roots];
  while (queue.length > 0) {
    const pkg = queue.shift()!;
    if (seen.has(pkg.dir)) continue;
    seen.set(pkg.dir, pkg);
    const manifest = readManifest(pkg.dir);
    const names = new Set([
      ...Object.keys(manifest?.dependencies ?? {}),
      ...Object.keys(manifest?.optionalDependencies ?? {}),
      ...Object.keys(manifest?.peerDependencies ?? {}),
    ]);
    for (const name of names) {
      const dir = findInstalled(name, pkg.dir);
      if (dir) queue.push({ name, dir });
    }
  }
  return [...seen.values()];
}

/** Node's lookup: <dir>/node_modules/<name>, then each parent's. */
export function findInstalled(name: string, fromDir: string): string | undefined {
  let dir = fromDir;
  for (;;) {
    if (basename(dir) !== 'node_modules') {
      const candidate = join(dir, 'node_modules', ...name.split('/'));
      if (existsSync(join(candidate, 'package.json'))) return candidate;
    }
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

function readManifest(dir: string): PackageJson | undefined {
  try {
    return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as PackageJson;
  } catch {
    return undefined;
  }
}

function stampOf(pkg: PackageLocation): string {
  return `${pkg.dir}:${fileStamp(join(pkg.dir, 'package.json'))}`;
}

/** Build leftovers that a running node never loads. */
function worthCopying(source: string): boolean {
  const name = basename(source);
  if (name === 'node_modules' || name === '.git' || name === 'obj.target' || name === '.deps') return false;
  return !/\.(o|a|obj|lib|tlog|pdb)$/.test(name);
}

/** Copies the closure into libDir; returns the folders (relative to libDir) it holds. */
export async function copyDiskPackages(root: string, libDir: string, packages: readonly PackageLocation[]): Promise<string[]> {
  const closure = dependencyClosure(packages);
  const targets: string[] = [];
  for (const pkg of closure) {
    const target = join(libDir, pathInLib(root, join(pkg.dir, 'package.json'), pkg), '..');
    targets.push(relative(libDir, target));
    const stamp = stampOf(pkg);
    const stampFile = join(target, STAMP);
    if (existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp) continue;
    await rm(target, { recursive: true, force: true });
    await mkdir(dirname(target), { recursive: true });
    await cp(pkg.dir, target, { recursive: true, dereference: true, filter: worthCopying });
    await writeFile(stampFile, stamp);
  }
  await removeStale(libDir, new Set(targets));
  return targets;
}

/** Removes copied packages (those with a stamp) that are no longer in the closure. */
async function removeStale(libDir: string, keep: ReadonlySet<string>): Promise<void> {
  const packageDirs = async (nodeModules: string): Promise<string[]> => {
    const dirs: string[] = [];
    for (const entry of await readdir(nodeModules, { withFileTypes: true }).catch(() => [])) {
      if (!entry.isDirectory()) continue;
      const path = join(nodeModules, entry.name);
      if (!entry.name.startsWith('@')) dirs.push(path);
      else for (const scoped of await readdir(path, { withFileTypes: true }).catch(() => [])) if (scoped.isDirectory()) dirs.push(join(path, scoped.name));
    }
    return dirs;
  };
  const walk = async (nodeModules: string): Promise<void> => {
    for (const dir of await packageDirs(nodeModules)) {
      if (!keep.has(relative(libDir, dir))) await rm(dir, { recursive: true, force: true });
      else await walk(join(dir, 'node_modules'));
    }
  };
  await walk(join(libDir, 'node_modules'));
}
