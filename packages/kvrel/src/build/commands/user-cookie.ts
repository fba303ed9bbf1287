/**
 * The cookie of `kvrel run`, from the first of: --cookie (works, but other users see it in `ps`),
 * --cookie-file FILE, RELEASE_COOKIE, ~/.kvrel.cookie (created once with random content and mode
 * 0400, so two nodes a user starts can talk, as ~/.erlang.cookie).
 */
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { randomCookie } from '../steps/write-cookie.js';
import { UserError } from '../../shared/user-error.js';

export interface CookieChoice {
  readonly cookie: string;
  /** What the user should hear about how the cookie was given. */
  readonly warnings: readonly string[];
}

export interface CookieFlags {
  readonly cookie?: string | undefined;
  readonly cookieFile?: string | undefined;
}

export function chooseCookie(flags: CookieFlags, env: NodeJS.ProcessEnv = process.env, home: string = homedir()): CookieChoice {
  if (flags.cookie !== undefined) {
    if (flags.cookie === '') throw new UserError('KVREL_BAD_OPTION', '--cookie must not be empty; pass a secret shared by the nodes that should talk');
    return {
      cookie: flags.cookie,
      warnings: [
        '--cookie puts the cookie on the command line, where every user of this host can read it (ps, /proc/<pid>/cmdline); use RELEASE_COOKIE, ' +
          '--cookie-file FILE or ~/.kvrel.cookie',
      ],
    };
  }
  if (flags.cookieFile !== undefined) return cookieFromFile(flags.cookieFile);
  if (env['RELEASE_COOKIE']) return { cookie: env['RELEASE_COOKIE'], warnings: [] };
  return { cookie: userCookie(home), warnings: [] };
}

function cookieFromFile(file: string): CookieChoice {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new UserError('KVREL_BAD_OPTION', `--cookie-file ${file}: cannot read it (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  const cookie = text.replace(/\r?\n$/, '');
  if (cookie === '') throw new UserError('KVREL_BAD_OPTION', `--cookie-file ${file} is empty; write the secret shared by the nodes that should talk into it`);
  const mode = statSync(file).mode & 0o777;
  const warnings = mode & 0o077 ? [`--cookie-file ${file} can be read by other users (mode 0${mode.toString(8)}); chmod 600 it`] : [];
  return { cookie, warnings };
}

/** ~/.kvrel.cookie, created with random content the first time. */
export function userCookie(home: string = homedir()): string {
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
