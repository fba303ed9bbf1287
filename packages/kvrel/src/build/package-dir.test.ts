import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { kvrelEntryFile, kvrelPackageDir, kvrelResolveConditions, kvrelVersion, runsFromSource } from './package-dir.js';

describe('kvrel package folder', () => {
  it('is found from the sources, with its version', () => {
    const manifest = JSON.parse(readFileSync(join(kvrelPackageDir(), 'package.json'), 'utf8')) as { name: string; version: string };
    expect(manifest.name).toBe('kvrel');
    expect(kvrelVersion()).toBe(manifest.version);
  });

  it('names its own modules: src/*.ts from source (as under vitest), dist/*.js once compiled', () => {
    expect(runsFromSource).toBe(true);
    const source = kvrelEntryFile('node/release-node-main');
    expect(source).toBe(join(kvrelPackageDir(), 'src', 'node', 'release-node-main.ts'));
    expect(existsSync(source)).toBe(true);
    expect(kvrelEntryFile('node/release-node-main', false)).toBe(join(kvrelPackageDir(), 'dist', 'node', 'release-node-main.js'));
  });

  it('bundles its own packages from sources only when it runs from them', () => {
    expect(kvrelResolveConditions()).toEqual(['kvrel-source']);
  });
});
