import * as fs from 'node:fs';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RotatingLog, type LogFileSystem } from './rotating-log.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'kvrel-log-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const read = (file: string) => readFileSync(join(dir, file), 'utf8');
const line = (i: number) => `line ${String(i).padStart(3, '0')} ${'x'.repeat(80)}\n`;

/** node:fs whose writes fail with `code` while `failing` is true. */
function flakyFs(): LogFileSystem & { failing: string | undefined } {
  const flaky = {
    ...fs,
    failing: undefined as string | undefined,
    writeSync: ((...args: Parameters<typeof fs.writeSync>) => {
      if (flaky.failing) throw Object.assign(new Error(`${flaky.failing}: write failed`), { code: flaky.failing });
      return (fs.writeSync as (...a: unknown[]) => number)(...args);
    }) as typeof fs.writeSync,
  };
  return flaky;
}

describe('RotatingLog', () => {
  it('never opens its file through a symbolic link (ELOOP), leaving the link target untouched', () => {
    const target = join(dir, 'root-only');
    fs.writeFileSync(target, 'secret\n');
    fs.symlinkSync(target, join(dir, 'foo.log.1'));
    expect(() => new RotatingLog({ dir, base: 'foo.log' })).toThrow(/ELOOP/);
    expect(read('root-only')).toBe('secret\n');
  });

  it('keeps at most `generations` files of at most maxBytes each', () => {
    const log = new RotatingLog({ dir, base: 'foo.log', maxBytes: 1000, generations: 3, keepFirstBytes: 0 });
    for (let i = 0; i < 100; i++) log.write(line(i));
    log.close();
    const files = readdirSync(dir).sort();
    expect(files).toEqual(['foo.log.1', 'foo.log.2', 'foo.log.3']);
    for (const f of files) expect(statSync(join(dir, f)).size).toBeLessThanOrEqual(1000);
    expect(read('foo.log.1')).toContain('line 099');
    expect(read('foo.log.3')).not.toContain('line 000');
  });

  it('repeats the first lines of its life at the top of each file after a rotation', () => {
    const log = new RotatingLog({ dir, base: 'foo.log', maxBytes: 1000, generations: 2, keepFirstBytes: 200 });
    log.write('foo 0.0.1 started on foo@127.0.0.1\n');
    for (let i = 0; i < 100; i++) log.write(line(i));
    log.close();
    for (const file of ['foo.log.1', 'foo.log.2']) {
      expect(read(file)).toMatch(
        /\[info\] log: the first lines of this node's life \(pid \d+\), repeated after rotation:\nfoo 0.0.1 started on foo@127.0.0.1\n/,
      );
      expect(statSync(join(dir, file)).size).toBeLessThanOrEqual(1000);
    }
    expect(read('foo.log.1')).toContain('line 099');
  });

  it('counts the lines it cannot write, never throws, and reports them once writing works again', () => {
    let now = 0;
    const files = flakyFs();
    const log = new RotatingLog({ dir, base: 'foo.log', fs: files, now: () => now, retryMs: 1000 });
    log.write('before\n');
    files.failing = 'ENOSPC';
    for (let i = 0; i < 10; i++) expect(() => log.write(line(i))).not.toThrow();
    files.failing = undefined;
    now = 500; // still inside the retry interval: counted, not tried
    log.write('still lost\n');
    expect(log.lostLines).toBe(11);
    now = 1000;
    log.write('after\n');
    const text = read('foo.log.1');
    expect(text).toMatch(/^before\n\S+ \[warning\] log: 11 lines \(\d+ bytes\) could not be written to .*foo\.log\.1 since \S+ \(ENOSPC\)\nafter\n$/);
    log.write('later\n');
    expect(read('foo.log.1').endsWith('after\nlater\n')).toBe(true);
  });

  it('keeps counting while the file still fails when it tries again', () => {
    let now = 0;
    const files = flakyFs();
    const log = new RotatingLog({ dir, base: 'foo.log', fs: files, now: () => now });
    files.failing = 'EROFS';
    log.write('a\n');
    now = 1000;
    log.write('b\n');
    now = 2000;
    files.failing = undefined;
    log.write('c\n');
    expect(read('foo.log.1')).toMatch(/log: 2 lines \(4 bytes\) could not be written .* \(EROFS\)\nc\n$/);
  });

  it('starts a new file when the current one reaches the file size limit (EFBIG)', () => {
    let now = 0;
    const files = flakyFs();
    const log = new RotatingLog({ dir, base: 'foo.log', fs: files, now: () => now, keepFirstBytes: 0 });
    log.write('first\n');
    files.failing = 'EFBIG';
    log.write('lost\n');
    files.failing = undefined;
    now = 1000;
    log.write('next\n');
    expect(read('foo.log.2')).toBe('first\n');
    expect(read('foo.log.1')).toMatch(/log: 1 lines \(5 bytes\) could not be written .* \(EFBIG\)\nnext\n$/);
  });

  it('reopens its file when a rotation could not open the next one', () => {
    let now = 0;
    let refuseOpen = false;
    const files: LogFileSystem = {
      ...fs,
      openSync: ((...args: Parameters<typeof fs.openSync>) => {
        if (refuseOpen) throw Object.assign(new Error('ENOSPC: open'), { code: 'ENOSPC' });
        return fs.openSync(...args);
      }) as typeof fs.openSync,
    };
    const log = new RotatingLog({ dir, base: 'foo.log', fs: files, now: () => now, maxBytes: 100, keepFirstBytes: 0 });
    log.write(line(0));
    refuseOpen = true;
    expect(() => log.write(line(1))).not.toThrow();
    refuseOpen = false;
    now = 1000;
    log.write(line(2));
    expect(read('foo.log.1')).toMatch(/log: 1 lines .* \(ENOSPC\)\nline 002/);
  });
});
