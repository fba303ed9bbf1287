import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { kvrelPackageDir } from '../package-dir.js';
import { bundleLauncher } from './bundle-launcher.js';

const dir = mkdtempSync(join(tmpdir(), 'kvrel-launcher-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the launcher bundle', () => {
  it("holds the launcher and none of the node's code (src/node/), which only a booting node loads", async () => {
    const held = await bundleLauncher(join(dir, 'launcher.cjs'), 'node24', join(dir, 'state.json'));
    const src = join(kvrelPackageDir(), 'src') + sep;
    expect(held.map((input) => input.file)).toContain(join(src, 'launcher', 'launcher-main.ts'));
    expect(held.filter((input) => input.file.startsWith(join(src, 'node') + sep))).toEqual([]);
    // Nor the runtime's node side (the launcher reaches the runtime for client connections only): of
    // its application modules, only the empty init shells esbuild keeps for the runtime's barrel.
    const applicationSide = held.filter((input) => /[\\/]runtime[\\/]src[\\/]application[\\/]/.test(input.file));
    expect(applicationSide.filter((input) => input.bytes > 120)).toEqual([]);
  });
});
