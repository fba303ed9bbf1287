/**
 * Whether a cookie can be guessed. Anyone who can open a connection to a node (or squat a name it
 * dials) gets an HMAC of a challenge under the cookie, enough to test guesses offline as fast as a
 * machine hashes: a short cookie or a word falls at once. A release's generated cookie (56 random
 * Base32 characters) and ~/.kvrel.cookie are far out of reach.
 */

export const MIN_COOKIE_LENGTH = 16;

/** Words people pick (and this project's own old examples); compared without case, digits as letters. */
const COMMON_COOKIES = new Set(
  [
    'secret',
    'cookie',
    'password',
    'changeme',
    'default',
    'erlang',
    'elixir',
    'kvrel',
    'monster',
    'test',
    'testcookie',
    'secretcookie',
    'mycookie',
    'letmein',
    'admin',
    'qwerty',
    'abc123',
    'cluster',
    'node',
  ].map(normalize),
);

/** Undefined for a cookie that is fine; otherwise why it is weak (never the cookie itself). */
export function cookieWeakness(cookie: string): string | undefined {
  if (COMMON_COOKIES.has(normalize(cookie))) return 'is a common word';
  if (cookie.length < MIN_COOKIE_LENGTH) return `is short (${cookie.length} characters, fewer than ${MIN_COOKIE_LENGTH})`;
  if (new Set(cookie).size <= 3) return 'repeats the same few characters';
  return undefined;
}

/** The boot warning for a weak cookie. */
export function formatCookieWarning(weakness: string): string {
  return (
    `the distribution cookie ${weakness}: anyone who can reach this node's distribution port can guess it offline; ` +
    `use ${MIN_COOKIE_LENGTH} or more random characters (a release's generated releases/COOKIE, or ~/.kvrel.cookie for kvrel run)`
  );
}

function normalize(cookie: string): string {
  return cookie
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '')
    .replace(/0/g, 'o')
    .replace(/1/g, 'i')
    .replace(/3/g, 'e')
    .replace(/4/g, 'a')
    .replace(/5/g, 's')
    .replace(/7/g, 't');
}
