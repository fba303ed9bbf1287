/**
 * The kvrel package's own folder (the one holding its package.json), found from this module both in
 * sources (src/*.ts, inside this monorepo and under vitest) and compiled (dist/*.js, an installed
 * kvrel): templates, the release entry and the version live there.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package.json "exports" condition that points at src/*.ts instead of dist/*.js (this monorepo only). */
export const SOURCE_CONDITION = 'kvrel-source';

/** True when kvrel runs from its TypeScript sources, false when compiled into dist/. */
export const runsFromSource: boolean = import.meta.url.endsWith('.ts');

let found: { dir: string; version: string } | undefined;

function kvrelPackage(): { dir: string; version: string } {
  if (found) return found;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i++) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      const pkg = JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'kvrel') return (found = { dir, version: pkg.version ?? '0.0.0' });
    }
    dir = dirname(dir);
  }
  throw new Error(`kvrel's package folder not found above ${fileURLToPath(import.meta.url)}`);
}

export function kvrelPackageDir(): string {
  return kvrelPackage().dir;
}

/** kvrel's version, from its package.json. */
export function kvrelVersion(): string {
  return kvrelPackage().version;
}

/** A file inside the kvrel package, e.g. kvrelPackageFile('templates', 'bin.sh.eex'). */
export function kvrelPackageFile(...segments: string[]): string {
  return join(kvrelPackageDir(), ...segments);
}

/**
 * A module of kvrel's own code by its path under src/ without extension, e.g.
 * kvrelEntryFile('node/release-node-main'): src/node/release-node-main.ts when running from
 * source, dist/node/release-node-main.js when compiled (an installed kvrel ships no src/).
 */
export function kvrelEntryFile(path: string, fromSource: boolean = runsFromSource): string {
  return fromSource ? kvrelPackageFile('src', `${path}.ts`) : kvrelPackageFile('dist', `${path}.js`);
}

/** Export conditions for bundling kvrel's own packages as this process runs them: sources or dist. */
export function kvrelResolveConditions(): string[] {
  return runsFromSource ? [SOURCE_CONDITION] : [];
}
