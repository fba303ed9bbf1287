import { describe, expect, it } from 'vitest';
import { challengeDigest, decodeName, decodeStatus, encodeName, newChallenge } from './handshake-messages.js';

const COOKIE = 'secret-cookie-XYZ';

describe('handshake messages', () => {
  it('binds digests to the direction and both names, so a reply cannot be reflected', () => {
    const t = { initiator: 'a@h', acceptor: 'b@h', initiatorChallenge: Buffer.alloc(32, 1), acceptorChallenge: Buffer.alloc(32, 2) };
    const initiator = challengeDigest(COOKIE, 'initiator', t);
    expect(challengeDigest(COOKIE, 'acceptor', t).equals(initiator)).toBe(false);
    expect(challengeDigest(COOKIE, 'initiator', { ...t, initiator: 'b@h', acceptor: 'a@h' }).equals(initiator)).toBe(false);
    expect(challengeDigest(COOKIE, 'initiator', { ...t, initiatorChallenge: Buffer.alloc(32, 3) }).equals(initiator)).toBe(false);
    expect(challengeDigest(COOKIE, 'initiator', t).equals(initiator)).toBe(true);
  });

  it('encodes names and statuses', () => {
    expect(decodeName(encodeName('a@h', true))).toEqual({ name: 'a@h', hidden: true });
    const challenge = newChallenge();
    expect(decodeStatus(Buffer.concat([Buffer.from([0x53, 0]), challenge, Buffer.from('b@h')]))).toEqual({ status: 'ok', challenge, name: 'b@h' });
  });
});
