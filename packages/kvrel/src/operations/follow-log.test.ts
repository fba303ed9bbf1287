import { mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { RotatingLog } from '@kvrel/runtime/internal';
import { followLog } from './follow-log.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 400 && !condition(); i++) await new Promise((r) => setTimeout(r, 5));
  expect(condition()).toBe(true);
}

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
