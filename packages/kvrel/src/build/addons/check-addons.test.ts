import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkAddons, parseAbiMismatch } from './check-addons.js';
import { findAddons } from './find-addons.js';

const dir = mkdtempSync(join(tmpdir(), 'kvrel-addons-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('checkAddons', () => {
  it('loads each addon with the given Node and reports the ones that fail, with the reason', async () => {
    writeFileSync(join(dir, 'junk.node'), 'not an ELF file');
    const failures = await checkAddons(process.execPath, [join(dir, 'junk.node')]);
    expect(failures).toEqual([{ file: join(dir, 'junk.node'), reason: expect.stringContaining('junk.node') }]);
    expect(await checkAddons(process.execPath, [])).toEqual([]);
  });

  it("reads the ABI an addon was built for and the one Node needs from Node's message", () => {
    const message =
      "The module '/x/better_sqlite3.node' was compiled against a different Node.js version using NODE_MODULE_VERSION 115. This version of Node.js " +
      'requires NODE_MODULE_VERSION 137. Please try re-compiling';
    expect(parseAbiMismatch(message)).toEqual({ builtFor: 115, needed: 137 });
    expect(parseAbiMismatch('invalid ELF header')).toBeUndefined();
  });
});

describe('findAddons', () => {
  it('lists .node files below a folder, relative and sorted', () => {
    expect(findAddons(dir)).toEqual(['junk.node']);
  });
});
