import * as fs from 'node:fs';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { prepareReleaseTmp, unsafe, type TmpFileSystem } from './release-tmp.js';

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
    lstatSync: fs.lstatSync,
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
    expect(() => prepareReleaseTmp(join(dir, 'file', 'tmp'))).toThrow(
      expect.objectContaining({
        code: 'KVREL_RELEASE_TMP_UNUSABLE',
        message: expect.stringMatching(/^RELEASE_TMP \(.*file\/tmp\) cannot be used: ENOTDIR: not a directory, mkdir '.*file\/tmp'; set RELEASE_TMP/),
      }),
    );
  });
});

describe('a RELEASE_TMP of its own', () => {
  const stat = (mode: number, uid = 1000, link = false) => ({ mode, uid, isSymbolicLink: () => link });

  it('takes a folder the user owns that others cannot write to, or a sticky one', () => {
    expect(unsafe(stat(0o40755), 1000)).toBeUndefined();
    expect(unsafe(stat(0o41777), 1000)).toBeUndefined();
  });

  it('refuses a link, another owner, and a folder others may write to without the sticky bit', () => {
    expect(unsafe(stat(0o120777, 1000, true), 1000)).toBe('is a symbolic link');
    expect(unsafe(stat(0o40700, 65534), 0)).toBe('belongs to uid 65534, not to the user running it (uid 0)');
    expect(unsafe(stat(0o40775), 1000)).toBe('is writable by other users (mode 0775) without the sticky bit');
    expect(unsafe(stat(0o40757), 1000)).toBe('is writable by other users (mode 0757) without the sticky bit');
  });

  it('refuses a symbolic link to a folder, with the code and one line', () => {
    fs.mkdirSync(join(dir, 'real'));
    fs.symlinkSync(join(dir, 'real'), join(dir, 'tmp'));
    let caught: unknown;
    try {
      prepareReleaseTmp(join(dir, 'tmp'), ['log']);
    } catch (error) {
      caught = error;
    }
    expect(caught).toMatchObject({
      code: 'KVREL_UNSAFE_RELEASE_TMP',
      message: `RELEASE_TMP (${join(dir, 'tmp')}) is refused: it is a symbolic link; set RELEASE_TMP to a folder of your own that only you can write to`,
    });
  });
});
