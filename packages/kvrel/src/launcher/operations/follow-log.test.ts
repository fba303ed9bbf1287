import { closeSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { execa } from 'execa';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { RotatingLog } from '@kvrel/runtime/internal';
import { waitFor } from '../../../../runtime/src/test-support/wait-for.js';
import { followLog } from './follow-log.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const until = (condition: () => boolean) => waitFor(condition, { what: 'the followed lines', timeoutMs: 2000, intervalMs: 5 });

describe('followLog', () => {
  it('prints what is appended, and keeps going through rotations without losing or repeating a line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kvrel-follow-'));
    dirs.push(dir);
    const log = new RotatingLog({ dir, base: 'foo.log', maxBytes: 40, generations: 3 });
    log.write('before following\n');
    let seen = '';
    const stop = new AbortController();
    const following = followLog({
      dir,
      base: 'foo.log',
      from: { fd: openSync(log.current, 'r'), position: 'before following\n'.length },
      write: (chunk) => (seen += chunk.toString()),
      intervalMs: 5,
      signal: stop.signal,
    });
    const expected: string[] = [];
    for (let i = 0; i < 12; i++) {
      const line = `line ${String(i).padStart(2, '0')} of the log\n`; // 20 bytes: two per file, then rotate
      log.write(line);
      expected.push(line);
      if (i % 3 === 0) await until(() => seen.length === expected.join('').length);
    }
    await until(() => seen === expected.join(''));
    stop.abort();
    await following;
    log.close();
  });
});

/**
 * Another process writes and rotates as the daemon's RotatingLog does (close, shift every name up
 * by one, open a new <base>.1; none removed, so no line may go missing), small files so a rotation comes every few lines, while followLog
 * polls as fast as it can: views of the folder taken halfway through a rotation are common.
 */
const ROTATING_WRITER = `
const { closeSync, openSync, renameSync, writeSync } = require('node:fs');
const [dir, lines] = process.argv.slice(1);
const file = (g) => dir + '/foo.log.' + g;
let fd = openSync(file(1), 'a');
let size = 0;
let files = 1;
for (let i = 0; i < Number(lines); i++) {
  const line = 'line ' + String(i).padStart(6, '0') + ' of the log\\n';
  if (size + line.length > 100) {
    closeSync(fd);
    for (let g = files; g >= 1; g--) renameSync(file(g), file(g + 1));
    files++;
    fd = openSync(file(1), 'a');
    size = 0;
  }
  writeSync(fd, line);
  size += line.length;
}
`;

describe('followLog against another process rotating', () => {
  it('prints every line once, in order, through a hundred rotations', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kvrel-follow-race-'));
    dirs.push(dir);
    const lines = 400; // 4 lines a file: 100 rotations
    const expected = Array.from({ length: lines }, (_, i) => `line ${String(i).padStart(6, '0')} of the log\n`).join('');
    closeSync(openSync(join(dir, 'foo.log.1'), 'a'));
    let seen = '';
    const stop = new AbortController();
    const following = followLog({
      dir,
      base: 'foo.log',
      from: { fd: openSync(join(dir, 'foo.log.1'), 'r'), position: 0 },
      write: (chunk) => (seen += chunk.toString()),
      intervalMs: 0,
      retryMs: 0,
      signal: stop.signal,
    });
    try {
      const writer = execa(process.execPath, ['-e', ROTATING_WRITER, dir, String(lines)]);
      await writer;
      await waitFor(() => seen.length >= expected.length, { what: 'every line written', timeoutMs: 40_000, intervalMs: 5 }).catch(() => {});
      expect(seen.split('\n').length - 1).toBe(lines);
      expect(seen).toBe(expected);
    } finally {
      stop.abort();
      await following;
    }
  }, 60_000); // a busy machine: room for the writer and the follower to take their turns
});
