import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DiskPackageScanner, findNativeAddon } from './stays-on-disk.js';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

function pkg(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'kvrel-pkg-'));
  dirs.push(dir);
  writeFileSync(join(dir, 'package.json'), '{"name":"p","version":"1.0.0"}');
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(join(dir, file, '..'), { recursive: true });
    writeFileSync(join(dir, file), text);
  }
  return dir;
}

describe('findNativeAddon', () => {
  it('finds a .node file or a binding.gyp, but not in nested packages', () => {
    expect(findNativeAddon(pkg({ 'build/Release/x.node': '' }))).toBe('build/Release/x.node');
    expect(findNativeAddon(pkg({ 'binding.gyp': '{}' }))).toBe('binding.gyp');
    expect(findNativeAddon(pkg({ 'index.js': '', 'node_modules/dep/y.node': '' }))).toBeUndefined();
  });
});

describe('DiskPackageScanner.locatesOwnFiles', () => {
  const scanner = new DiskPackageScanner();
  it('notices code that finds files relative to itself', () => {
    const dir = pkg({
      'a.js': "fs.readFileSync(path.join(__dirname, 'fonts'))",
      'b.mjs': "new Worker(new URL('./w.js', import.meta.url))",
      'c.js': "require.resolve('./t')",
    });
    expect(scanner.locatesOwnFiles(join(dir, 'a.js'))).toBe('__dirname');
    expect(scanner.locatesOwnFiles(join(dir, 'b.mjs'))).toBe('new Worker');
    expect(scanner.locatesOwnFiles(join(dir, 'c.js'))).toBe('require.resolve');
  });

  it('lets code that only requires packages by name through createRequire be bundled', () => {
    const dir = pkg({
      'esm.js': "const r = createRequire(import.meta.url); r('x')",
      'rollup.cjs':
        "module$1.createRequire((typeof document === 'undefined' ? new (require('u' + 'rl').URL)('file:' + __filename).href : " +
        "(document.currentScript && document.currentScript.src || new URL('node.cjs', document.baseURI).href)))('x')",
      'plain.js': 'module.exports = 1',
    });
    expect(scanner.locatesOwnFiles(join(dir, 'esm.js'))).toBeUndefined();
    expect(scanner.locatesOwnFiles(join(dir, 'rollup.cjs'))).toBeUndefined();
    expect(scanner.locatesOwnFiles(join(dir, 'plain.js'))).toBeUndefined();
  });

  it('remembers answers in its cache file and the packages kept on disk', () => {
    const dir = pkg({ 'a.js': '__filename' });
    const cacheFile = join(dir, 'cache', 'scan.json');
    const first = new DiskPackageScanner(cacheFile);
    expect(first.locatesOwnFiles(join(dir, 'a.js'))).toBe('__filename');
    first.save(['figlet']);
    const second = new DiskPackageScanner(cacheFile);
    expect(second.lastOnDisk).toEqual(['figlet']);
    writeFileSync(join(dir, 'a.js'), 'module.exports = 2; // changed');
    expect(second.locatesOwnFiles(join(dir, 'a.js'))).toBeUndefined();
  });
});
