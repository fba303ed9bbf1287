/**
 * kvrel's source is arranged by where it runs, and the folders may only reach as far as this table says:
 * the launcher (every bin/<name> command) never loads the node's code or the build's, the node never
 * loads the launcher's, and shared/ stands alone. Type-only and dynamic imports count too.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const SRC = dirname(fileURLToPath(import.meta.url));

const MAY_IMPORT: Readonly<Record<string, readonly string[]>> = {
  build: ['build', 'shared'],
  launcher: ['launcher', 'shared'],
  node: ['node', 'shared'],
  shared: ['shared'],
  '.': ['build'],
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

/** The top folder under src/ a file is in ('.' for src/index.ts). */
function folderOf(file: string): string {
  const parts = relative(SRC, file).split(sep);
  return parts.length === 1 ? '.' : parts[0]!;
}

function crossings(): string[] {
  const found: string[] = [];
  for (const file of sourceFiles(SRC)) {
    const from = folderOf(file);
    for (const { fileName } of ts.preProcessFile(readFileSync(file, 'utf8'), true, true).importedFiles) {
      if (!fileName.startsWith('.')) continue;
      const to = folderOf(resolve(dirname(file), fileName));
      if (!MAY_IMPORT[from]!.includes(to)) found.push(`${relative(SRC, file)} imports ${fileName}`);
    }
  }
  return found;
}

describe("kvrel's folders by where code runs", () => {
  it('has exactly build/, launcher/, node/ and shared/ under src/', () => {
    const folders = readdirSync(SRC, { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => e.name);
    expect(folders.sort()).toEqual(['build', 'launcher', 'node', 'shared']);
  });

  it('imports only across the boundaries the table allows', () => {
    expect(crossings()).toEqual([]);
  });
});
