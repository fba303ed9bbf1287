import { describe, expect, it } from 'vitest';
import { FrameDecoder, encodeFrame, encodeFrameHeader } from './frame.js';

function frames(decoder: FrameDecoder): Buffer[] {
  const out: Buffer[] = [];
  for (let frame = decoder.next(); frame !== undefined; frame = decoder.next()) out.push(frame);
  return out;
}

describe('frame codec', () => {
  it('prefixes the payload with its big-endian length', () => {
    expect([...encodeFrame(Buffer.from('hi'))]).toEqual([0, 0, 0, 2, 0x68, 0x69]);
    expect([...encodeFrameHeader(0x01020304)]).toEqual([1, 2, 3, 4]);
    expect(() => encodeFrameHeader(-1)).toThrow('frame payload length must be an integer');
  });

  it('decodes frames fed byte by byte, across every chunk edge', () => {
    const payloads = [Buffer.from('first'), Buffer.alloc(0), Buffer.from('x'.repeat(300)), Buffer.from([0, 1, 2])];
    const wire = Buffer.concat(payloads.map(encodeFrame));
    const decoder = new FrameDecoder();
    const got: Buffer[] = [];
    for (const byte of wire) {
      decoder.push(Buffer.from([byte]));
      got.push(...frames(decoder));
    }
    expect(got.map((b) => b.toString('hex'))).toEqual(payloads.map((b) => b.toString('hex')));
    expect(decoder.bufferedBytes).toBe(0);
  });

  it('decodes many frames from one chunk and splits at every offset', () => {
    const wire = Buffer.concat([encodeFrame(Buffer.from('abc')), encodeFrame(Buffer.from('defgh'))]);
    for (let cut = 0; cut <= wire.length; cut++) {
      const decoder = new FrameDecoder();
      decoder.push(wire.subarray(0, cut));
      const got = frames(decoder);
      decoder.push(wire.subarray(cut));
      got.push(...frames(decoder));
      expect(got.map(String)).toEqual(['abc', 'defgh']);
    }
  });

  it('refuses a frame announcing more than the limit before its payload arrives', () => {
    const decoder = new FrameDecoder({ maxFrameBytes: 16 });
    decoder.push(encodeFrameHeader(17));
    expect(() => decoder.next()).toThrow('a peer announced a frame of 17 bytes, more than the limit of 16 bytes');
    const exact = new FrameDecoder({ maxFrameBytes: 16 });
    exact.push(encodeFrame(Buffer.alloc(16)));
    expect(exact.next()?.length).toBe(16);
  });

  it('applies a new limit from the next frame on', () => {
    const decoder = new FrameDecoder({ maxFrameBytes: 4 });
    decoder.push(Buffer.concat([encodeFrame(Buffer.from('ack')), encodeFrame(Buffer.alloc(100))]));
    expect(String(decoder.next())).toBe('ack');
    decoder.maxFrameBytes = 1024;
    expect(decoder.next()?.length).toBe(100);
  });

  it('uses a 64 MiB limit by default', () => {
    const decoder = new FrameDecoder();
    expect(decoder.maxFrameBytes).toBe(64 * 1024 * 1024);
    decoder.push(encodeFrameHeader(64 * 1024 * 1024 + 1));
    expect(() => decoder.next()).toThrow('more than the limit of 67108864 bytes');
  });
});
