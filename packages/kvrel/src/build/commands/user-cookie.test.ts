import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chooseCookie } from './user-cookie.js';

let home: string;
beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'kvrel-cookie-'));
});
afterEach(() => {
  rmSync(home, { recursive: true, force: true });
});

describe('chooseCookie', () => {
  it('takes --cookie but warns that other users can see it', () => {
    const choice = chooseCookie({ cookie: 'on-the-command-line' }, { RELEASE_COOKIE: 'from-env' }, home);
    expect(choice.cookie).toBe('on-the-command-line');
    expect(choice.warnings).toEqual([
      '--cookie puts the cookie on the command line, where every user of this host can read it (ps, /proc/<pid>/cmdline); use RELEASE_COOKIE, ' +
        '--cookie-file FILE or ~/.kvrel.cookie',
    ]);
    expect(() => chooseCookie({ cookie: '' }, {}, home)).toThrow('--cookie must not be empty');
  });

  it('reads --cookie-file, warning when others can read it', () => {
    const file = join(home, 'cookie');
    writeFileSync(file, 'from-a-file-0123456789\n', { mode: 0o600 });
    expect(chooseCookie({ cookieFile: file }, { RELEASE_COOKIE: 'from-env' }, home)).toEqual({ cookie: 'from-a-file-0123456789', warnings: [] });
    chmodSync(file, 0o644);
    expect(chooseCookie({ cookieFile: file }, {}, home).warnings).toEqual([`--cookie-file ${file} can be read by other users (mode 0644); chmod 600 it`]);
    expect(() => chooseCookie({ cookieFile: join(home, 'missing') }, {}, home)).toThrow(`--cookie-file ${join(home, 'missing')}: cannot read it (ENOENT)`);
    writeFileSync(file, '\n');
    expect(() => chooseCookie({ cookieFile: file }, {}, home)).toThrow(`--cookie-file ${file} is empty`);
  });

  it('else takes RELEASE_COOKIE, else ~/.kvrel.cookie, created once, private', () => {
    expect(chooseCookie({}, { RELEASE_COOKIE: 'from-env' }, home)).toEqual({ cookie: 'from-env', warnings: [] });
    const first = chooseCookie({}, {}, home).cookie;
    expect(first).toMatch(/^[A-Z2-7]{56}$/);
    expect(chooseCookie({}, {}, home).cookie).toBe(first);
    expect(readFileSync(join(home, '.kvrel.cookie'), 'utf8')).toBe(first);
    expect(statSync(join(home, '.kvrel.cookie')).mode & 0o777).toBe(0o400);
  });
});
