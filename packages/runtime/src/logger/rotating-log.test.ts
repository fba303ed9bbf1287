import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { RotatingLog } from './rotating-log.js';

let dir: string;
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('RotatingLog', () => {
  it('keeps at most `generations` files of at most maxBytes each', () => {
    dir = mkdtempSync(join(tmpdir(), 'kvrel-log-'));
    const log = new RotatingLog({ dir, base: 'foo.log', maxBytes: 1000, generations: 3 });
    for (let i = 0; i < 100; i++) log.write(`line ${String(i).padStart(3, '0')} ${'x'.repeat(80)}\n`);
    log.close();
    const files = readdirSync(dir).sort();
    expect(files).toEqual(['foo.log.1', 'foo.log.2', 'foo.log.3']);
    for (const f of files) expect(statSync(join(dir, f)).size).toBeLessThanOrEqual(1000);
    expect(readFileSync(join(dir, 'foo.log.1'), 'utf8')).toContain('line 099');
    expect(readFileSync(join(dir, 'foo.log.3'), 'utf8')).not.toContain('line 000');
  });
});
