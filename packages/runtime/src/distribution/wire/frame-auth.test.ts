import { duplexPair } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { FrameAuthenticationError, FrameTagger, TAG_BYTES, deriveSessionKeys } from './frame-auth.js';
import { encodeFrame } from './frame.js';
import { newChallenge } from './handshake-messages.js';
import { FramedSocket } from '../transport/framed-socket.js';
import { waitFor } from '../../test-support/wait-for.js';

const transcript = { initiator: 'foo@127.0.0.1', acceptor: 'bar@127.0.0.1', initiatorChallenge: newChallenge(), acceptorChallenge: newChallenge() };

/** Two authenticated ends: `wire` records what foo sent, `raw` writes into bar's side as a man in the middle would. */
function linked() {
  const [x, y] = duplexPair();
  const sent: Buffer[] = [];
  const foo = new FramedSocket(x);
  const bar = new FramedSocket(y);
  const originalWrite = x.write.bind(x);
  x.write = ((chunk: Buffer, ...rest: never[]) => {
    sent.push(Buffer.from(chunk));
    return originalWrite(chunk, ...rest);
  }) as typeof x.write;
  foo.authenticate(deriveSessionKeys('cookie', transcript, 'initiator'));
  bar.authenticate(deriveSessionKeys('cookie', transcript, 'acceptor'));
  const received: string[] = [];
  let closedWith: Error | undefined;
  bar.onClose((error) => (closedWith = error));
  bar.startReading((frame) => received.push(String(frame)));
  return { foo, bar, x, sent, received, closed: () => closedWith };
}

describe('frame authentication', () => {
  it('derives different keys per direction, per link and per cookie', () => {
    const keys = deriveSessionKeys('cookie', transcript, 'initiator');
    expect(keys.send).not.toEqual(keys.receive);
    expect(deriveSessionKeys('cookie', { ...transcript, initiatorChallenge: newChallenge() }, 'initiator').send).not.toEqual(keys.send);
    expect(deriveSessionKeys('other', transcript, 'initiator').send).not.toEqual(keys.send);
  });

  it('tags by sequence number: the same payload twice gets two tags; a wrong or short tag fails', () => {
    const send = new FrameTagger(Buffer.alloc(32, 1));
    const receive = new FrameTagger(Buffer.alloc(32, 1));
    const first = send.next(Buffer.from('x'));
    const second = send.next(Buffer.from('x'));
    expect(first).toHaveLength(TAG_BYTES);
    expect(first).not.toEqual(second);
    expect(receive.open(Buffer.concat([Buffer.from('x'), first]))?.toString()).toBe('x');
    expect(receive.open(Buffer.concat([Buffer.from('x'), first]))).toBeUndefined(); // replayed: seq 1 expected
    expect(new FrameTagger(Buffer.alloc(32, 1)).open(Buffer.alloc(TAG_BYTES - 1))).toBeUndefined();
  });

  it('passes frames of the link in order', async () => {
    const link = linked();
    for (const word of ['one', 'two', 'three']) link.foo.write(Buffer.from(word));
    await waitFor(() => link.received.length === 3, { what: 'three frames', timeoutMs: 2000 });
    expect(link.received).toEqual(['one', 'two', 'three']);
    expect(link.closed()).toBeUndefined();
    link.foo.destroy();
  });

  it.each([
    ['an injected frame', (link: ReturnType<typeof linked>) => link.x.write(encodeFrame(Buffer.from('evil')))],
    [
      'an injected frame with a made-up tag',
      (link: ReturnType<typeof linked>) => link.x.write(encodeFrame(Buffer.concat([Buffer.from('evil'), Buffer.alloc(TAG_BYTES)]))),
    ],
    ['a replayed frame', (link: ReturnType<typeof linked>) => link.x.write(Buffer.concat(link.sent))],
    [
      'a truncated frame',
      (link: ReturnType<typeof linked>) => {
        const frame = Buffer.concat(link.sent);
        link.x.write(Buffer.concat([Buffer.from([0, 0, 0, frame.length - 5]), frame.subarray(4, frame.length - 1)]));
      },
    ],
  ])('closes the link at %s and hands none of it on', async (_, attack) => {
    const link = linked();
    link.foo.write(Buffer.from('hello'));
    await waitFor(() => link.received.length === 1, { what: 'the first frame', timeoutMs: 2000 });
    attack(link);
    link.foo.write(Buffer.from('after'));
    await waitFor(() => link.bar.closed, { what: 'the link to close', timeoutMs: 2000 });
    expect(link.closed()).toBeInstanceOf(FrameAuthenticationError);
    expect(link.received).toEqual(['hello']);
  });

  it('detects reordered frames', async () => {
    const [x, y] = duplexPair();
    const foo = new FramedSocket(x);
    const captured: Buffer[] = [];
    const onWire = new FramedSocket(y);
    foo.authenticate(deriveSessionKeys('cookie', transcript, 'initiator'));
    onWire.startReading((frame) => captured.push(Buffer.from(frame)));
    foo.write(Buffer.from('first'));
    foo.write(Buffer.from('second'));
    await waitFor(() => captured.length === 2, { what: 'two frames', timeoutMs: 2000 });
    const receive = new FrameTagger(deriveSessionKeys('cookie', transcript, 'acceptor').receive);
    expect(receive.open(captured[1]!)).toBeUndefined();
    foo.destroy();
  });
});
