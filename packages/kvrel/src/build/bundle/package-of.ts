/** The npm package a file belongs to, from its path under node_modules (`.../node_modules/@a/b/x.js` → `@a/b`). */
import { sep } from 'node:path';

export interface PackageLocation {
  readonly name: string;
  /** The package's folder, e.g. /p/node_modules/@a/b. */
  readonly dir: string;
}

const MARKER = `${sep}node_modules${sep}`;

export function packageOf(file: string): PackageLocation | undefined {
  const at = file.lastIndexOf(MARKER);
  if (at === -1) return undefined;
  const parts = file.slice(at + MARKER.length).split(sep);
  const nameParts = parts[0]?.startsWith('@') ? parts.slice(0, 2) : parts.slice(0, 1);
  if (nameParts.length === 0 || nameParts.some((p) => p === '')) return undefined;
  return { name: nameParts.join('/'), dir: file.slice(0, at + MARKER.length) + nameParts.join(sep) };
}
