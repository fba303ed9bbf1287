/**
 * The messages of an authenticated connection and their encoding (one message per frame).
 *
 * Serialized with msgpackr (pure JS; records, structured clones and extra types off, so each
 * frame stands alone and decoding builds only plain data). Measured on the store's typical
 * messages (Node 20, pure JS) it encodes 5–13× and decodes 3–9× faster than v8.serialize
 * (a GET call: 0.27/0.23 µs vs 2.2/1.6 µs; 72 vs 97 bytes), and it is not V8's value
 * deserializer, whose robustness against hostile bytes Node does not promise. Only frames from
 * authenticated peers reach it anyway.
 *
 *   [1, id, service, fn, args]   call service.fn(...args)
 *   [2, id, value]               its result
 *   [3, id, message, code]       its error (message and code only; never a stack)
 *   [4, id]                      ping
 *   [5, id]                      pong
 *   [6, 0]                       tick: are you there? (the failure detector, transport/tick-watch.ts)
 *   [7, 0]                       tock: the answer to a tick
 */
import { Packr, Unpackr } from 'msgpackr';

export type Message =
  | { readonly type: 'call'; readonly id: number; readonly service: string; readonly fn: string; readonly args: readonly unknown[] }
  | { readonly type: 'reply'; readonly id: number; readonly value: unknown }
  | { readonly type: 'error'; readonly id: number; readonly message: string; readonly code: string | undefined }
  | { readonly type: 'ping'; readonly id: number }
  | { readonly type: 'pong'; readonly id: number }
  | { readonly type: 'tick' }
  | { readonly type: 'tock' };

const options = { useRecords: false, moreTypes: false, structuredClone: false, mapsAsObjects: true } as const;
const packr = new Packr(options);
const unpackr = new Unpackr(options);
const TICK = packr.pack([6, 0]);
const TOCK = packr.pack([7, 0]);

export function encodeMessage(message: Message): Buffer {
  switch (message.type) {
    case 'call':
      return packr.pack([1, message.id, message.service, message.fn, message.args]);
    case 'reply':
      return packr.pack([2, message.id, message.value]);
    case 'error':
      return packr.pack([3, message.id, message.message, message.code ?? null]);
    case 'ping':
      return packr.pack([4, message.id]);
    case 'pong':
      return packr.pack([5, message.id]);
    case 'tick':
      return TICK;
    case 'tock':
      return TOCK;
  }
}

/** Throws when the frame is not one of the messages above. */
export function decodeMessage(frame: Uint8Array): Message {
  const value: unknown = unpackr.unpack(frame);
  if (!Array.isArray(value) || typeof value[1] !== 'number') throw new Error('not a distribution message');
  const [tag, id] = value as [unknown, number];
  if (tag === 1 && value.length === 5 && typeof value[2] === 'string' && typeof value[3] === 'string' && Array.isArray(value[4])) {
    return { type: 'call', id, service: value[2], fn: value[3], args: value[4] };
  }
  if (tag === 2 && value.length === 3) return { type: 'reply', id, value: value[2] };
  if (tag === 3 && value.length === 4 && typeof value[2] === 'string') {
    return { type: 'error', id, message: value[2], code: typeof value[3] === 'string' ? value[3] : undefined };
  }
  if (tag === 4 && value.length === 2) return { type: 'ping', id };
  if (tag === 5 && value.length === 2) return { type: 'pong', id };
  if (tag === 6 && value.length === 2) return { type: 'tick' };
  if (tag === 7 && value.length === 2) return { type: 'tock' };
  throw new Error('not a distribution message');
}
