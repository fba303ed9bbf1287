import { describe, expect, it } from 'vitest';
import { decodeMessage, encodeMessage, type Message } from './message.js';
import { Packr } from 'msgpackr';

describe('messages', () => {
  it('round-trips every message', () => {
    const messages: Message[] = [
      { type: 'call', id: 1, service: 'kv.router', fn: 'route', args: [{ op: 'get', bucket: 'shopping', key: 'milk' }, ['foo@127.0.0.1']] },
      { type: 'reply', id: 2, value: { status: 'ok', value: undefined } },
      { type: 'reply', id: 3, value: [1, 'two', null, true, { nested: { deep: 1.5 } }] },
      { type: 'error', id: 4, message: 'no route for bucket "zebra"', code: 'KV_NO_ROUTE' },
      { type: 'error', id: 5, message: 'boom', code: undefined },
      { type: 'ping', id: 6 },
      { type: 'pong', id: 0xffffffff },
      { type: 'tick' },
      { type: 'tock' },
    ];
    for (const message of messages) expect(decodeMessage(encodeMessage(message))).toEqual(message);
  });

  it('raises for frames that are not messages', () => {
    const packr = new Packr({ useRecords: false });
    for (const junk of [Buffer.from([0xc1]), packr.pack({ a: 1 }), packr.pack([9, 1]), packr.pack([1, 1, 'svc']), Buffer.alloc(0)]) {
      expect(() => decodeMessage(junk)).toThrow();
    }
  });

  it('keeps __proto__ keys from reaching the prototype', () => {
    const frame = new Packr({ useRecords: false }).pack([2, 1, JSON.parse('{"__proto__": {"polluted": true}}')]);
    const message = decodeMessage(frame);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(message.type).toBe('reply');
  });
});
