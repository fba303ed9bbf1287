import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveUrlTarget } from './url-assets-plugin.js';

const dir = mkdtempSync(join(tmpdir(), 'kvrel-url-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('resolveUrlTarget', () => {
  it('finds the file a new URL(..., import.meta.url) names, or its TypeScript source (NodeNext)', () => {
    writeFileSync(join(dir, 'worker.ts'), '');
    writeFileSync(join(dir, 'page.html'), '');
    writeFileSync(join(dir, 'job.mts'), '');
    expect(resolveUrlTarget(dir, './worker.js')).toBe(join(dir, 'worker.ts'));
    expect(resolveUrlTarget(dir, './page.html')).toBe(join(dir, 'page.html'));
    expect(resolveUrlTarget(dir, './job.mjs')).toBe(join(dir, 'job.mts'));
    expect(resolveUrlTarget(dir, './missing.js')).toBeUndefined();
  });
});
