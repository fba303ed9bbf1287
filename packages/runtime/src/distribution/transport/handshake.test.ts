import { duplexPair, type Duplex } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { DEFAULT_DISTRIBUTION_SETTINGS } from './distribution-settings.js';
import { encodeFrame } from '../wire/frame.js';
import { FramedSocket } from './framed-socket.js';
import { acceptHandshake, formatRefusal, initiateHandshake, recvName, sendStatus } from './handshake.js';
import {
  HANDSHAKE_MAX_FRAME_BYTES,
  HANDSHAKE_VERSION,
  HandshakeError,
  challengeDigest,
  encodeChallengeAck,
  encodeName,
  newChallenge,
} from '../wire/handshake-messages.js';

const COOKIE = 'secret-cookie-XYZ';
const DEADLINES = { timeoutMs: DEFAULT_DISTRIBUTION_SETTINGS.handshakeTimeoutMs, firstFrameTimeoutMs: DEFAULT_DISTRIBUTION_SETTINGS.firstFrameTimeoutMs };

/** Two framed ends, recording every byte each side sent. */
function pair(): { a: FramedSocket; b: FramedSocket; wire: Buffer[]; raw: [Duplex, Duplex] } {
  const [x, y] = duplexPair();
  const wire: Buffer[] = [];
  x.on('data', (c: Buffer) => wire.push(Buffer.from(c)));
  y.on('data', (c: Buffer) => wire.push(Buffer.from(c)));
  return {
    a: new FramedSocket(x, { maxFrameBytes: HANDSHAKE_MAX_FRAME_BYTES }),
    b: new FramedSocket(y, { maxFrameBytes: HANDSHAKE_MAX_FRAME_BYTES }),
    wire,
    raw: [x, y],
  };
}

async function failureOf(promise: Promise<unknown>): Promise<HandshakeError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(HandshakeError);
  return error as HandshakeError;
}

describe('handshake', () => {
  it('authenticates both sides that share the cookie', async () => {
    const { a, b, wire } = pair();
    const [initiated, accepted] = await Promise.all([
      initiateHandshake(a, { self: 'foo@127.0.0.1', cookie: COOKIE, peer: 'bar@127.0.0.1', hidden: true, timeoutMs: DEADLINES.timeoutMs }),
      acceptHandshake(b, { self: 'bar@127.0.0.1', cookie: COOKIE, ...DEADLINES }),
    ]);
    expect(initiated.peer).toBe('bar@127.0.0.1');
    expect(accepted).toMatchObject({ peer: 'foo@127.0.0.1', hidden: true });
    // One key per direction, the same on both ends, never the cookie.
    expect(initiated.keys.send).toEqual(accepted.keys.receive);
    expect(initiated.keys.receive).toEqual(accepted.keys.send);
    expect(initiated.keys.send).not.toEqual(initiated.keys.receive);
    expect(Buffer.concat(wire).includes(Buffer.from(COOKIE))).toBe(false);
  });

  it('refuses a wrong cookie on both sides, never sending the cookie', async () => {
    const { a, b, wire } = pair();
    const [initiator, acceptor] = await Promise.all([
      failureOf(initiateHandshake(a, { self: 'foo@127.0.0.1', cookie: 'wrong', peer: 'bar@127.0.0.1', timeoutMs: DEADLINES.timeoutMs })),
      failureOf(acceptHandshake(b, { self: 'bar@127.0.0.1', cookie: COOKIE, ...DEADLINES })),
    ]);
    expect(acceptor).toMatchObject({ failure: 'cookie challenge failed', claimedName: 'foo@127.0.0.1' });
    expect(initiator).toMatchObject({ failure: 'refused', message: 'cookie challenge failed' });
    const bytes = Buffer.concat(wire);
    expect(bytes.includes(Buffer.from(COOKIE))).toBe(false);
    expect(bytes.includes(Buffer.from('wrong'))).toBe(false);
  });

  it('fails the initiator when the acceptor cannot prove the cookie', async () => {
    const { a, b } = pair();
    const impostor = (async () => {
      const { name } = await recvName(b);
      const challenge = newChallenge();
      sendStatus(b, { status: 'ok', name: 'bar@127.0.0.1', challenge });
      const reply = await b.readFrame();
      const transcript = { initiator: name, acceptor: 'bar@127.0.0.1', acceptorChallenge: challenge, initiatorChallenge: reply.subarray(33) };
      b.write(encodeChallengeAck(challengeDigest('guess', 'acceptor', transcript)));
    })();
    const error = await failureOf(initiateHandshake(a, { self: 'foo@127.0.0.1', cookie: COOKIE, peer: 'bar@127.0.0.1', timeoutMs: DEADLINES.timeoutMs }));
    expect(error).toMatchObject({ failure: 'cookie challenge failed', message: 'it failed the cookie challenge' });
    await impostor;
  });

  it('drops a peer that sends garbage instead of its name', async () => {
    const { b, raw } = pair();
    const accepted = failureOf(acceptHandshake(b, { self: 'bar@127.0.0.1', cookie: COOKIE, ...DEADLINES }));
    raw[0].write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    expect(await accepted).toMatchObject({ failure: 'malformed handshake', claimedName: undefined });
  });

  it('drops a well-framed but malformed name', async () => {
    for (const junk of [Buffer.from('hello'), encodeName('not a name', false), Buffer.from([0x4e, HANDSHAKE_VERSION, 4, 0x61])]) {
      const { b, raw } = pair();
      const accepted = failureOf(acceptHandshake(b, { self: 'bar@127.0.0.1', cookie: COOKIE, ...DEADLINES }));
      raw[0].write(encodeFrame(junk));
      expect((await accepted).failure).toBe('malformed handshake');
    }
  });

  it('refuses another protocol version with one line naming both, and tells the peer', async () => {
    const { a, b, raw } = pair();
    const accepted = failureOf(acceptHandshake(b, { self: 'bar@127.0.0.1', cookie: COOKIE, ...DEADLINES }));
    const older = Buffer.concat([Buffer.from([0x4e, 1, 0]), Buffer.from('foo@127.0.0.1')]);
    raw[0].write(encodeFrame(older));
    const reason = 'distribution protocol 1 offered, 2 required (run the same kvrel version on every node)';
    expect(await accepted).toMatchObject({ failure: 'refused', message: reason });
    expect((await a.readFrame()).toString('utf8')).toBe(`S\u0001${reason}`);
  });

  it('drops a truncated handshake and keeps the claimed name', async () => {
    const { b, raw } = pair();
    const accepted = failureOf(acceptHandshake(b, { self: 'bar@127.0.0.1', cookie: COOKIE, ...DEADLINES }));
    raw[0].write(encodeFrame(encodeName('foo@127.0.0.1', false)));
    raw[0].write(Buffer.from([0, 0, 0, 65, 0x52, 1, 2, 3]));
    raw[0].end();
    expect(await accepted).toMatchObject({ failure: 'closed', claimedName: 'foo@127.0.0.1' });
  });

  it('drops a peer that stalls past the deadline', async () => {
    const { b, raw } = pair();
    const accepted = failureOf(acceptHandshake(b, { self: 'bar@127.0.0.1', cookie: COOKIE, ...DEADLINES, timeoutMs: 50 }));
    raw[0].write(encodeFrame(encodeName('slow@127.0.0.1', false)));
    expect(await accepted).toMatchObject({ failure: 'handshake timed out', claimedName: 'slow@127.0.0.1' });
  });

  it('drops a handshake frame over 1 KiB', async () => {
    const { b, raw } = pair();
    const accepted = failureOf(acceptHandshake(b, { self: 'bar@127.0.0.1', cookie: COOKIE, ...DEADLINES }));
    raw[0].write(encodeFrame(Buffer.alloc(HANDSHAKE_MAX_FRAME_BYTES + 1)));
    expect((await accepted).failure).toBe('malformed handshake');
  });

  it('tells the initiator why the acceptor refused its name', async () => {
    const { a, b } = pair();
    const [initiator, acceptor] = await Promise.all([
      failureOf(initiateHandshake(a, { self: 'bar@127.0.0.1', cookie: COOKIE, peer: 'bar@127.0.0.1', timeoutMs: DEADLINES.timeoutMs })),
      failureOf(acceptHandshake(b, { self: 'bar@127.0.0.1', cookie: COOKIE, ...DEADLINES, admit: (name) => `${name} is taken` })),
    ]);
    expect(initiator.message).toBe('it refused the connection: bar@127.0.0.1 is taken');
    expect(acceptor).toMatchObject({ failure: 'refused', claimedName: 'bar@127.0.0.1' });
  });

  it('fails when another node answers than the one asked for', async () => {
    const { a, b } = pair();
    const acceptor = acceptHandshake(b, { self: 'baz@127.0.0.1', cookie: COOKIE, ...DEADLINES, timeoutMs: 100 }).catch(() => undefined);
    const error = await failureOf(initiateHandshake(a, { self: 'foo@127.0.0.1', cookie: COOKIE, peer: 'bar@127.0.0.1', timeoutMs: DEADLINES.timeoutMs }));
    expect(error.message).toBe('the node listening there is "baz@127.0.0.1"');
    b.destroy();
    await acceptor;
  });

  it('formats the line the acceptor logs when it refuses a peer', () => {
    expect(formatRefusal('x@127.0.0.1', '127.0.0.1:5000', 'cookie challenge failed')).toBe(
      'refused connection from "x@127.0.0.1" (127.0.0.1:5000): cookie challenge failed',
    );
    expect(formatRefusal(undefined, '127.0.0.1:5000', 'malformed handshake')).toBe(
      'refused connection from an unnamed peer (127.0.0.1:5000): malformed handshake',
    );
  });
});
