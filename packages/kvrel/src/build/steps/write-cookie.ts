/**
 * Step "writing the cookie": releases/COOKIE in the release folder, the distribution cookie, written
 * once (kept across rebuilds, as Mix does) and readable by its owner only. A cookie set in the release definition replaces it.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Release } from '../release/release.js';
import type { ReleaseStep } from '../release/run-steps.js';

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** 35 random bytes as 56 Base32 characters (Mix writes Base.encode32 of 32 bytes). */
export function randomCookie(): string {
  const bytes = randomBytes(35);
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return out;
}

export const writeCookieStep: ReleaseStep = {
  title: 'writing the cookie',
  run: async (release) => ({ ...release, cookieFile: await writeCookie(release) }),
  summary: ({ cookieFile }) => cookieFile,
};

async function writeCookie(release: Release): Promise<'kept' | 'written'> {
  const releases = join(release.path, 'releases');
  await mkdir(releases, { recursive: true });
  const file = join(releases, 'COOKIE');
  if (release.cookie === undefined && existsSync(file)) {
    await chmod(file, 0o600);
    return 'kept';
  }
  const cookie = release.cookie ?? randomCookie();
  if (existsSync(file) && (await readFile(file, 'utf8')) === cookie) return 'kept';
  // Written beside it and renamed over it: a node starting meanwhile reads the old cookie or the new one.
  const partial = `${file}.${process.pid}.partial`;
  await rm(partial, { force: true });
  await writeFile(partial, cookie, { mode: 0o600, flag: 'wx' });
  await chmod(partial, 0o600);
  await rename(partial, file);
  return 'written';
}
