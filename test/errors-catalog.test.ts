/**
 * Keeps the README's errors table honest (fastify's errors.test.js): every code the packages define
 * is documented, and every documented code exists.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KV_ERROR_CODES } from '../packages/kv/src/errors.js';
import { SEA_ERROR_CODES } from '../packages/kvrel/src/sea/sea-error.js';
import { KVREL_ERROR_CODES } from '../packages/kvrel/src/user-error.js';
import { DISTRIBUTION_ERROR_CODES } from '../packages/runtime/src/distribution/errors.js';
import { RUNTIME_ERROR_CODES } from '../packages/runtime/src/errors.js';
import { repoRoot } from './helpers/repo.js';

describe('errors catalog', () => {
  it('the README lists exactly the codes the packages define', () => {
    const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
    const documented = [...readme.matchAll(/^\| `([A-Z][A-Z_]+)` \|/gm)].map((m) => m[1]).sort();
    const defined = [...RUNTIME_ERROR_CODES, ...KV_ERROR_CODES, ...DISTRIBUTION_ERROR_CODES, ...KVREL_ERROR_CODES, ...SEA_ERROR_CODES].sort();
    expect(documented).toEqual(defined);
  });
});
