import * as fs from 'node:fs';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { prepareReleaseTmp, type TmpFileSystem } from './release-tmp.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'kvrel-release-tmp-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** node:fs on a read-only file system below `mount`, as Node 20–24 report it: recursive mkdir says ENOENT. */
function readOnlyBelow(mount: string): TmpFileSystem {
  const erofs = (path: string) => Object.assign(new Error(`EROFS: read-only file system, mkdir '${path}'`), { code: 'EROFS' });
  return {
    existsSync: fs.existsSync,
    accessSync: fs.accessSync,
    mkdirSync: ((path: string, options?: { recursive?: boolean }) => {
      if (!path.startsWith(`${mount}/`)) return fs.mkdirSync(path, options);
      if (options?.recursive) throw Object.assign(new Error(`ENOENT: no such file or directory, mkdir '${path}'`), { code: 'ENOENT' });
      throw erofs(path);
    }) as typeof fs.mkdirSync,
  };
}

describe('prepareReleaseTmp', () => {
  it('makes RELEASE_TMP and its subfolders', () => {
    prepareReleaseTmp(join(dir, 'a', 'tmp'), ['log']);
    expect(statSync(join(dir, 'a', 'tmp', 'log')).isDirectory()).toBe(true);
  });

  it('names RELEASE_TMP and the real errno when a parent is read-only, not ENOENT', () => {
    const tmp = join(dir, 'ro', 'release', 'tmp');
    fs.mkdirSync(join(dir, 'ro'));
    expect(() => prepareReleaseTmp(tmp, ['log'], readOnlyBelow(join(dir, 'ro')))).toThrow(
      `RELEASE_TMP (${tmp}) cannot be used: EROFS: read-only file system, mkdir '${join(dir, 'ro', 'release')}'; set RELEASE_TMP to a writable folder`,
    );
  });

  it('names RELEASE_TMP when a file stands where a folder should be', () => {
    writeFileSync(join(dir, 'file'), 'x');
    expect(() => prepareReleaseTmp(join(dir, 'file', 'tmp'))).toThrow(/^RELEASE_TMP \(.*file\/tmp\) cannot be used: ENOTDIR: not a directory, mkdir '.*file\/tmp'; set RELEASE_TMP/);
  });
});
