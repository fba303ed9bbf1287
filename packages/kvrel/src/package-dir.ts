/**
 * The kvrel package's own folder (the one holding its package.json), found from this module both in
 * sources (src/) and in the built CLI (dist/cli.cjs): templates and the release entry live there.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let found: string | undefined;

export function kvrelPackageDir(): string {
  if (found) return found;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i++) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'kvrel') return (found = dir);
    dir = dirname(dir);
  }
  throw new Error(`kvrel's package folder not found above ${fileURLToPath(import.meta.url)}`);
}

/** A file inside the kvrel package, e.g. kvrelPackageFile('templates', 'bin.sh.eex'). */
export function kvrelPackageFile(...segments: string[]): string {
  return join(kvrelPackageDir(), ...segments);
}
