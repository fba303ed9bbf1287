import { duplexPair } from 'node:stream';
import { describe, expect, it, vi } from 'vitest';
import { encodeFrame, encodeFrameHeader } from '../wire/frame.js';
import { FramedSocket } from './framed-socket.js';
import { waitFor } from '../../test-support/wait-for.js';

describe('FramedSocket', () => {
  it('pulls one frame at a time, then pushes the rest in order', async () => {
    const [a, b] = duplexPair();
    const framed = new FramedSocket(a);
    b.write(Buffer.concat([encodeFrame(Buffer.from('one')), encodeFrame(Buffer.from('two')), encodeFrame(Buffer.from('three'))]));
    expect(String(await framed.readFrame())).toBe('one');
    const pushed: string[] = [];
    framed.startReading((frame) => pushed.push(String(frame)));
    b.write(encodeFrame(Buffer.from('four')));
    await waitFor(() => pushed.length === 3, { what: 'three pushed frames', timeoutMs: 2000 });
    expect(pushed).toEqual(['two', 'three', 'four']);
    framed.destroy();
  });

  it('writes frames of the same tick together', async () => {
    const [a, b] = duplexPair();
    const framed = new FramedSocket(a);
    const cork = vi.spyOn(a, 'cork');
    const uncork = vi.spyOn(a, 'uncork');
    const chunks: Buffer[] = [];
    b.on('data', (chunk: Buffer) => chunks.push(chunk));
    const payloads = Array.from({ length: 50 }, (_, i) => Buffer.from(`m${i}`));
    for (const payload of payloads) framed.write(payload);
    expect(cork).toHaveBeenCalledTimes(1);
    expect(uncork).not.toHaveBeenCalled();
    const wire = Buffer.concat(payloads.map(encodeFrame));
    await waitFor(() => Buffer.concat(chunks).length === wire.length, { what: 'all frames', timeoutMs: 2000 });
    expect(uncork).toHaveBeenCalledTimes(1);
    expect(Buffer.concat(chunks).equals(wire)).toBe(true);
    framed.destroy();
  });

  it('rejects a pending read when the peer closes', async () => {
    const [a, b] = duplexPair();
    const framed = new FramedSocket(a);
    const read = framed.readFrame();
    b.write(Buffer.from([0, 0, 0, 9, 1, 2])); // a truncated frame
    b.end();
    await expect(read).rejects.toThrow('the connection closed');
    expect(framed.closed).toBe(true);
  });

  it('drops the stream when a frame is too large', async () => {
    const [a, b] = duplexPair();
    const framed = new FramedSocket(a, { maxFrameBytes: 8 });
    const closed = new Promise<Error | undefined>((resolve) => framed.onClose(resolve));
    const read = framed.readFrame();
    b.write(encodeFrameHeader(9));
    await expect(read).rejects.toThrow('a peer announced a frame of 9 bytes, more than the limit of 8 bytes');
    expect((await closed)?.message).toMatch(/more than the limit/);
  });

  it('drops a peer that does not read once too much is queued', () => {
    const [a] = duplexPair({ highWaterMark: 16 });
    const framed = new FramedSocket(a, { maxWriteBufferBytes: 1024 });
    let error: Error | undefined;
    framed.onClose((e) => (error = e));
    for (let i = 0; i < 10 && !framed.closed; i++) framed.write(Buffer.alloc(200));
    expect(framed.closed).toBe(true);
    expect(error?.message).toBe('the peer is not reading (more than 1024 bytes queued)');
  });
});
