/**
 * Where a module of the project lives: the package folder whose files ship beside it (the nearest
 * package.json below the project root; for a module of the root package, the module's own folder),
 * and the module type node gives a `.js` file there ("type" of that package.json).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import type { BundleFormat } from './module-location.js';

/** kvrel's own packages are the tool, not the project: nothing of theirs ships beside the code. */
const TOOL_PACKAGES = new Set(['kvrel', '@kvrel/runtime']);

interface PackageFolder {
  readonly dir: string;
  readonly name: string | undefined;
  readonly type: string | undefined;
}

const folders = new Map<string, PackageFolder | undefined>();

function nearestPackage(root: string, dir: string): PackageFolder | undefined {
  if (folders.has(dir)) return folders.get(dir);
  let found: PackageFolder | undefined;
  const manifest = join(dir, 'package.json');
  if (existsSync(manifest)) {
    let parsed: { name?: string; type?: string } = {};
    try {
      parsed = JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string; type?: string };
    } catch {
      // An unreadable package.json: node would fail on it too, the bundle says so where it matters.
    }
    found = { dir, name: parsed.name, type: parsed.type };
  } else if (dir !== root && !relative(root, dir).startsWith('..')) {
    found = nearestPackage(root, dirname(dir));
  }
  folders.set(dir, found);
  return found;
}

/** True for a file of the project's own code (not an npm package, not kvrel itself). */
export function isProjectModule(root: string, file: string): boolean {
  if (file.includes(`${sep}node_modules${sep}`) || relative(root, file).startsWith('..')) return false;
  const pkg = nearestPackage(root, dirname(file));
  return !(pkg?.name !== undefined && TOOL_PACKAGES.has(pkg.name));
}

/** The folder whose files are copied beside this module, or undefined (a module at the project root). */
export function besideFolderOf(root: string, file: string): string | undefined {
  const pkg = nearestPackage(root, dirname(file));
  if (pkg && pkg.dir !== root) return pkg.dir;
  const dir = dirname(file);
  return dir === root ? undefined : dir;
}

/** The format a script written at `path` must have for node to run it. */
export function formatAt(root: string, path: string): BundleFormat {
  if (path.endsWith('.mjs') || path.endsWith('.mts')) return 'esm';
  if (path.endsWith('.cjs') || path.endsWith('.cts')) return 'cjs';
  return nearestPackage(root, dirname(path))?.type === 'module' ? 'esm' : 'cjs';
}
