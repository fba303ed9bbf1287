import { describe, expect, it } from 'vitest';
import { cookieWeakness, formatCookieWarning } from './cookie-strength.js';

describe('cookieWeakness', () => {
  it('flags common words, also spelled with digits', () => {
    for (const cookie of ['s3cret', 'SECRET', 'cookie', 'Pa55word', 'monster']) expect(cookieWeakness(cookie)).toBe('is a common word');
  });

  it('flags a short cookie and a repetitive one', () => {
    expect(cookieWeakness('xk29fj')).toBe('is short (6 characters, fewer than 16)');
    expect(cookieWeakness('abababababababababab')).toBe('repeats the same few characters');
  });

  it('accepts a long random cookie such as a release generates', () => {
    expect(cookieWeakness('MFRGGZDFMZTWQ2LKNNWG23TPOBYXE43UOV3HO6DZPIYTEMZUGU3DOOBZ')).toBeUndefined();
    expect(cookieWeakness('test-cookie-s3cret')).toBeUndefined();
  });

  it('words the warning without the cookie', () => {
    expect(formatCookieWarning('is a common word')).toBe(
      "the distribution cookie is a common word: anyone who can reach this node's distribution port can guess it offline; " +
        "use 16 or more random characters (a release's generated releases/COOKIE, or ~/.kvrel.cookie for kvrel run)",
    );
  });
});
