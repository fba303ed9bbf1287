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
    const inputs = await bundleLauncher(join(dir, 'launcher.cjs'), 'node24', join(dir, 'state.json'));
    const src = join(kvrelPackageDir(), 'src') + sep;
    expect(inputs).toContain(join(src, 'launcher', 'launcher-main.ts'));
    expect(inputs.filter((file) => file.startsWith(join(src, 'node') + sep))).toEqual([]);
    // Nor the runtime's node side: the launcher reaches the runtime only for client connections.
    expect(inputs.filter((file) => /[\\/]runtime[\\/]src[\\/]application[\\/]/.test(file))).toEqual([]);
  });
});
