import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { currentLogFile, lastLines, logFiles, repeatedLinesFilter } from './log-files.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function dirWith(names: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'kvrel-logs-'));
  dirs.push(dir);
  for (const name of names) writeFileSync(join(dir, name), name);
  return dir;
}

describe('logFiles', () => {
  it('lists generations oldest first, numbers compared as numbers, the bare file last', () => {
    const dir = dirWith(['foo.log.1', 'foo.log.10', 'foo.log.2', 'foo.log', 'foo.log.x', 'bar.log.1', 'foo.pid']);
    expect(logFiles(dir, 'foo.log').map((f) => f.slice(dir.length + 1))).toEqual(['foo.log.10', 'foo.log.2', 'foo.log.1', 'foo.log']);
    expect(currentLogFile(dir, 'foo.log')).toBe(join(dir, 'foo.log'));
  });

  it('takes <base>.1 as current when there is no bare file, and nothing when there is no folder', () => {
    const dir = dirWith(['foo.log.2', 'foo.log.1']);
    expect(currentLogFile(dir, 'foo.log')).toBe(join(dir, 'foo.log.1'));
    expect(logFiles(join(dir, 'missing'), 'foo.log')).toEqual([]);
  });
});

describe('lastLines', () => {
  it('keeps the last N lines with their newlines', () => {
    expect(lastLines('a\nb\nc\n', 2)).toBe('b\nc\n');
    expect(lastLines('a\nb\nc', 1)).toBe('c\n');
    expect(lastLines('a\n', 5)).toBe('a\n');
    expect(lastLines('a\nb\n', 0)).toBe('');
    expect(lastLines('', 3)).toBe('');
  });
});

describe('repeatedLinesFilter', () => {
  it('drops the first lines a rotation repeated, across chunk edges, and keeps the rest', () => {
    const skip = repeatedLinesFilter();
    const text =
      "a\n12:00 [info] log: the first lines of this node's life (pid 1), repeated after rotation:\n" +
      'boot\n12:00 [info] log: end of the repeated first lines\nb\n';
    const out = skip(text.slice(0, 30)) + skip(text.slice(30, 100)) + skip(text.slice(100));
    expect(out).toBe('a\nb\n');
  });
});
