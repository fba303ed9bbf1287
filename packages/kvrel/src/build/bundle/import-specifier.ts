/** Paths the bundler writes into code (imports, locations under lib/): relative, with / separators on every platform. */
import { relative, sep } from 'node:path';

/** `to` as seen from `from`, with / separators ('' when they are the same). */
export function slashedRelative(from: string, to: string): string {
  return relative(from, to).split(sep).join('/');
}

/** How a bundle in `bundleDir` imports `file` it leaves external: `./x` or `../x`. */
export function importSpecifier(bundleDir: string, file: string): string {
  const path = slashedRelative(bundleDir, file);
  return path.startsWith('.') ? path : `./${path}`;
}
