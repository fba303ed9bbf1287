import { execFileSync } from 'node:child_process';
import { copyFile, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { hashFile } from './file-hash.js';
import { ensureStrippedBase, strippedBasePath } from './stripped-base.js';

// A small real ELF stands in for node: strip works on it and it answers --version.
const ELF = '/bin/true';

let dir = '';
let cacheDir = '';
let warnings: string[] = [];
const reporter = { info() {}, warn: (message: string) => warnings.push(message) };

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kvrel-strip-'));
  cacheDir = join(dir, 'cache');
  warnings = [];
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function script(name: string, body: string): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, `#!/bin/sh\n${body}\n`, { mode: 0o755 });
  return file;
}

describe('ensureStrippedBase', () => {
  test('strips a copy once, keyed by the base sha256, and reuses it', async () => {
    const base = join(dir, 'node');
    await copyFile(ELF, base);
    const sha256 = await hashFile(base, 'sha256');
    const first = await ensureStrippedBase(base, { cacheDir, reporter });
    expect(first).toMatchObject({ path: strippedBasePath(cacheDir, sha256), sha256, stripped: true, reused: false });
    expect((await stat(first.path)).mode & 0o777).toBe(0o755);
    expect(execFileSync(first.path, ['--version'], { encoding: 'utf8' })).toBe(execFileSync(base, ['--version'], { encoding: 'utf8' }));
    const second = await ensureStrippedBase(base, { cacheDir, reporter, stripCommand: 'kvrel-strip-must-not-run' });
    expect(second).toMatchObject({ path: first.path, stripped: true, reused: true });
    expect(await readdir(join(cacheDir, 'stripped', sha256))).toEqual(['node']);
    expect(warnings).toEqual([]);
  });

  test('keeps one stripped copy per Node version, each reused by later builds of that version', async () => {
    // Two different bases stand in for Node 24 and Node 26: strip works on both, and they differ by a byte.
    const node24 = join(dir, 'node24');
    const node26 = join(dir, 'node26');
    await copyFile(ELF, node24);
    await copyFile(ELF, node26);
    await writeFile(node26, Buffer.concat([await readFile(node26), Buffer.from([0])]));
    const first24 = await ensureStrippedBase(node24, { cacheDir, reporter, version: 'v24.22.3' });
    const first26 = await ensureStrippedBase(node26, { cacheDir, reporter, version: 'v26.12.1' });
    expect(first24.path).toBe(strippedBasePath(cacheDir, first24.sha256, 'v24.22.3'));
    expect(first26.path).toBe(strippedBasePath(cacheDir, first26.sha256, 'v26.12.1'));
    expect((await readdir(join(cacheDir, 'stripped'))).sort()).toEqual([`v24.22.3-${first24.sha256}`, `v26.12.1-${first26.sha256}`]);
    const noStrip = { cacheDir, reporter, stripCommand: 'kvrel-strip-must-not-run' };
    expect(await ensureStrippedBase(node24, { ...noStrip, version: 'v24.22.3' })).toMatchObject({ path: first24.path, reused: true });
    expect(await ensureStrippedBase(node26, { ...noStrip, version: 'v26.12.1' })).toMatchObject({ path: first26.path, reused: true });
    expect(warnings).toEqual([]);
  });

  test('falls back to the unstripped base and warns when strip is missing', async () => {
    const base = join(dir, 'node');
    await copyFile(ELF, base);
    const result = await ensureStrippedBase(base, { cacheDir, reporter, stripCommand: 'kvrel-no-such-strip' });
    expect(result).toMatchObject({ path: base, stripped: false, reused: false });
    expect(warnings).toEqual([
      `could not strip ${base} (kvrel-no-such-strip was not found on PATH); using it unstripped, ` +
        'so each SEA is ~18 MB larger and slower to build; install binutils to fix this',
    ]);
    expect(await readdir(join(cacheDir, 'stripped', result.sha256))).toEqual([]);
  });

  test('falls back when strip refuses the file', async () => {
    const base = await script('node', 'echo v1');
    const failing = await script('strip', 'echo "strip: file format not recognized" >&2; exit 1');
    const result = await ensureStrippedBase(base, { cacheDir, reporter, stripCommand: failing });
    expect(result.path).toBe(base);
    expect(warnings[0]).toContain(`(${failing} exited with code 1: strip: file format not recognized)`);
  });

  test('falls back when the stripped copy no longer runs', async () => {
    const base = await script('node', 'echo v1');
    const breaking = await script('strip', 'printf "#!/bin/sh\\nexit 4\\n" > "$1"');
    const result = await ensureStrippedBase(base, { cacheDir, reporter, stripCommand: breaking });
    expect(result.path).toBe(base);
    expect(warnings[0]).toContain('(the stripped copy no longer runs: --version exited with code 4 printing "")');
  });
});
