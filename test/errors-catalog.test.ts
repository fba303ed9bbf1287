/**
 * Keeps the errors catalogs, the errors table of docs/errors.md and the code in step (fastify's errors
 * test): every code a package defines is documented with one meaning of its own, every documented code
 * is defined, and every code is raised somewhere in its package's source, outside its catalog, so none
 * is dead, and nowhere else, so each code says one thing.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KV_ERROR_CODES } from '../packages/kv/src/errors.js';
import { KV_SERVER_ERROR_CODES } from '../packages/kv-server/src/errors.js';
import { SEA_ERROR_CODES } from '../packages/kvrel/src/build/sea/sea-error.js';
import { KVREL_ERROR_CODES } from '../packages/kvrel/src/shared/user-error.js';
import { DISTRIBUTION_ERROR_CODES } from '../packages/runtime/src/distribution/errors.js';
import { RUNTIME_ERROR_CODES } from '../packages/runtime/src/errors.js';
import { repoRoot } from './helpers/repo.js';

const catalogs: readonly { source: string; catalog: string; codes: readonly string[] }[] = [
  { source: 'packages/runtime/src', catalog: 'packages/runtime/src/errors.ts', codes: RUNTIME_ERROR_CODES },
  { source: 'packages/runtime/src', catalog: 'packages/runtime/src/distribution/errors.ts', codes: DISTRIBUTION_ERROR_CODES },
  { source: 'packages/kv/src', catalog: 'packages/kv/src/errors.ts', codes: KV_ERROR_CODES },
  { source: 'packages/kv-server/src', catalog: 'packages/kv-server/src/errors.ts', codes: KV_SERVER_ERROR_CODES },
  { source: 'packages/kvrel/src', catalog: 'packages/kvrel/src/shared/user-error.ts', codes: KVREL_ERROR_CODES },
  { source: 'packages/kvrel/src', catalog: 'packages/kvrel/src/build/sea/sea-error.ts', codes: SEA_ERROR_CODES },
];

const errorsPage = 'docs/errors.md';

/** The rows `| \`CODE\` | meaning |` of a markdown file (padded or not), as [code, meaning] pairs. */
function errorRows(file: string): [string, string][] {
  const text = readFileSync(join(repoRoot, file), 'utf8');
  return [...text.matchAll(/^\|\s*`([A-Z][A-Z_]+)`\s*\|(.*)\|$/gm)].map(([, code, meaning]) => [code!, meaning!]);
}

/** code → meaning, from the errors table of docs/errors.md. */
function documentedCodes(): Map<string, string> {
  const rows = errorRows(errorsPage);
  const meanings = new Map<string, string>();
  for (const [code, meaning] of rows) {
    expect(meanings.has(code), `${code} is documented twice`).toBe(false);
    meanings.set(code, meaning.trim());
  }
  return meanings;
}

/** Source files of a package (tests left out), path → text. */
function sources(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  for (const entry of readdirSync(join(repoRoot, dir), { recursive: true, encoding: 'utf8' })) {
    if (entry.endsWith('.ts') && !entry.endsWith('.test.ts') && !entry.endsWith('.d.ts')) {
      files.set(join(dir, entry), readFileSync(join(repoRoot, dir, entry), 'utf8'));
    }
  }
  return files;
}

/** A place that raises the code: an error built with it (`new XError('CODE'`, `{ code: 'CODE'`). */
function raises(text: string, code: string): boolean {
  return new RegExp(`(\\(\\s*|code:\\s*)'${code}'`).test(text);
}

describe('errors catalog', () => {
  it(`${errorsPage} lists exactly the codes the packages define, each once`, () => {
    const documented = [...documentedCodes().keys()].sort();
    const defined = catalogs.flatMap((c) => c.codes).sort();
    expect(new Set(defined).size).toBe(defined.length);
    expect(documented).toEqual(defined);
  });

  it(`gives every code a meaning in ${errorsPage}`, () => {
    const empty = [...documentedCodes()].filter(([, meaning]) => meaning.length < 10).map(([code]) => code);
    expect(empty).toEqual([]);
  });

  it('keeps the errors table in one place: the README links to it and holds no rows of its own', () => {
    const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
    expect(readme).toContain(`(${errorsPage})`);
    const defined = new Set(catalogs.flatMap((c) => c.codes));
    const strays = errorRows('README.md')
      .map(([code]) => code)
      .filter((code) => defined.has(code));
    expect(strays, `move these rows to ${errorsPage}`).toEqual([]);
  });

  it('raises every code somewhere in its package, outside its catalog', () => {
    const unused: string[] = [];
    for (const { source, catalog, codes } of catalogs) {
      const files = [...sources(source)].filter(([path]) => path !== catalog);
      for (const code of codes) if (!files.some(([, text]) => raises(text, code))) unused.push(`${code} (${catalog})`);
    }
    expect(unused).toEqual([]);
  });

  it('gives each code one message: its own meaning, raised by its own package only', () => {
    const byMeaning = new Map<string, string[]>();
    for (const [code, meaning] of documentedCodes()) byMeaning.set(meaning, [...(byMeaning.get(meaning) ?? []), code]);
    expect([...byMeaning.values()].filter((codes) => codes.length > 1)).toEqual([]);
    const elsewhere: string[] = [];
    for (const { source, codes } of catalogs) {
      for (const other of new Set(catalogs.map((c) => c.source))) {
        if (other === source) continue;
        for (const [path, text] of sources(other)) for (const code of codes) if (raises(text, code)) elsewhere.push(`${code} in ${path}`);
      }
    }
    expect(elsewhere).toEqual([]);
  });
});
