import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bundleNodeCode } from './bundle-node-code.js';
import { loadedAtTopLevel, packageNameOf } from './missing-lazy-imports-plugin.js';

const temps: string[] = [];
afterAll(() => {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A project whose `lib` package loads two packages that are not installed only when asked to. */
function project(): string {
  const root = mkdtempSync(join(tmpdir(), 'kvrel-lazy-'));
  temps.push(root);
  const files: Record<string, string> = {
    'package.json': '{ "type": "module" }',
    'node_modules/lib/package.json': '{ "name": "lib", "main": "index.js" }',
    'node_modules/lib/index.js': [
      "exports.plain = () => 'plain works';",
      "exports.validate = () => require('absent-validator');",
      "exports.transform = () => import('@absent/transformer');",
    ].join('\n'),
    'node_modules/eager/package.json': '{ "name": "eager", "main": "index.js" }',
    'node_modules/eager/index.js': "const v = require('absent-validator');\nexports.v = v;",
  };
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

function bundle(root: string, entrySource: string, external: string[] = []) {
  return bundleNodeCode({ root, entrySource, outDir: join(root, 'out'), outName: 'node.mjs', target: 'node20', mode: 'copy', external });
}

function run(root: string): string {
  return execFileSync(process.execPath, [join(root, 'out', 'node.mjs')], { encoding: 'utf8' });
}

describe('modules that are not installed', () => {
  it('loaded lazily by a package: the build succeeds with one warning; at run time only reaching them fails, as under node', async () => {
    const root = project();
    const built = await bundle(
      root,
      `import { plain, validate, transform } from 'lib';
console.log(plain());
try { validate(); } catch (error) { console.log('validate:', (error as { code: string }).code); }
await transform().catch((error: { code: string }) => console.log('transform:', error.code));`,
    );
    expect(built.warnings).toEqual([
      expect.stringMatching(/^not installed, loaded only lazily.*: absent-validator \(by lib\), @absent\/transformer \(by lib\)$/),
    ]);
    expect(run(root)).toBe('plain works\nvalidate: MODULE_NOT_FOUND\ntransform: ERR_MODULE_NOT_FOUND\n');
  });

  it("the project's own code importing one still fails the build, statically or lazily", async () => {
    await expect(bundle(project(), "import 'absent-validator';")).rejects.toMatchObject({
      code: 'KVREL_BUNDLE_FAILED',
      message: expect.stringContaining('Could not resolve "absent-validator"'),
    });
    await expect(bundle(project(), "await import('absent-validator');")).rejects.toMatchObject({ code: 'KVREL_BUNDLE_FAILED' });
  });

  it("a package's require at its top level still fails the build", async () => {
    await expect(bundle(project(), "import 'eager';")).rejects.toMatchObject({
      code: 'KVREL_BUNDLE_FAILED',
      message: expect.stringContaining('Could not resolve "absent-validator"'),
    });
  });

  it('one listed in external stays an import, installed or not', async () => {
    const root = project();
    await bundle(root, "try { await import('absent-validator/sub'); } catch (error) { console.log((error as { code: string }).code); }\nimport 'lib';", [
      'absent-validator',
    ]);
    expect(run(root)).toBe('ERR_MODULE_NOT_FOUND\n');
  });

  it('tells a load when the module loads from one inside a function or a block', () => {
    expect(loadedAtTopLevel("const v = require('x');", 'x')).toBe(true);
    expect(loadedAtTopLevel('const v = await import("x");', 'x')).toBe(true);
    expect(loadedAtTopLevel("function f() { return require('x'); }", 'x')).toBe(false);
    expect(loadedAtTopLevel("try { require('x') } catch {}", 'x')).toBe(false);
    expect(loadedAtTopLevel("load('x', () => require('x'));", 'x')).toBe(false);
    expect(loadedAtTopLevel("const s = '{'; // {\n/* { */ require('x');", 'x')).toBe(true);
    expect(loadedAtTopLevel("my.require('x'); /* unclosed", 'x')).toBe(false);
    expect(loadedAtTopLevel("require('xy');", 'x')).toBe(false);
  });

  it('names packages by their specifier', () => {
    expect(packageNameOf('@a/b/c')).toBe('@a/b');
    expect(packageNameOf('a/c')).toBe('a');
    expect(packageNameOf('./a')).toBeUndefined();
  });
});
