/**
 * The cookie `kvrel run` uses when given none: RELEASE_COOKIE, else ~/.kvrel.cookie, created once
 * with random content and mode 0400, so two nodes a user starts can talk (as ~/.erlang.cookie).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { randomCookie } from '../steps/write-cookie.js';

export function userCookie(env: NodeJS.ProcessEnv = process.env, home: string = homedir()): string {
  if (env['RELEASE_COOKIE']) return env['RELEASE_COOKIE'];
  const file = join(home, '.kvrel.cookie');
  if (!existsSync(file)) {
    try {
      writeFileSync(file, randomCookie(), { mode: 0o400, flag: 'wx' });
    } catch (error) {
      // Another node created it at the same moment: use theirs.
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  return readFileSync(file, 'utf8').trim();
}
