/** Paths of this repository, for tests that run its CLI. */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const kvrelBin = join(repoRoot, 'packages', 'kvrel', 'dist', 'bin', 'kvrel.cjs');
