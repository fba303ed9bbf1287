import { describe, expect, it } from 'vitest';
import { parseCommand, parseCommandBytes, UNKNOWN_COMMAND } from './command.js';

describe('parseCommand', () => {
  it('parses each verb of the protocol (SPEC §7)', () => {
    expect(parseCommand('CREATE shopping')).toEqual({ op: 'create', bucket: 'shopping' });
    expect(parseCommand('PUT shopping milk 1')).toEqual({ op: 'put', bucket: 'shopping', key: 'milk', value: '1' });
    expect(parseCommand('GET shopping milk')).toEqual({ op: 'get', bucket: 'shopping', key: 'milk' });
    expect(parseCommand('DELETE shopping eggs')).toEqual({ op: 'delete', bucket: 'shopping', key: 'eggs' });
  });

  it('splits on runs of spaces and tabs and ignores them at both ends', () => {
    expect(parseCommand('  PUT \t shopping   milk\t\t3  ')).toEqual({ op: 'put', bucket: 'shopping', key: 'milk', value: '3' });
  });

  it('keeps \\v, \\f and \\r inside tokens: keys and values are any bytes but space, tab and newline (README)', () => {
    expect(parseCommand('PUT shopping milk\r 1\f')).toEqual({ op: 'put', bucket: 'shopping', key: 'milk\r', value: '1\f' });
    expect(parseCommand('PUT shopping \u000bk\u000b v\rv')).toEqual({ op: 'put', bucket: 'shopping', key: '\u000bk\u000b', value: 'v\rv' });
    expect(parseCommand('GET shopping milk\r')).toEqual({ op: 'get', bucket: 'shopping', key: 'milk\r' });
    // A separator that is not one: the line has one token, so it is no command.
    expect(parseCommand('CREATE\u000bshopping')).toBe(UNKNOWN_COMMAND);
    expect(parseCommand('GET\rshopping\fmilk')).toBe(UNKNOWN_COMMAND);
  });

  it('keeps every byte of a token: UTF-8 text and invalid bytes alike, one character per byte', () => {
    const line = Buffer.from('PUT café crème brûlée', 'utf8').toString('latin1');
    const parsed = parseCommand(line) as { value: string };
    expect(Buffer.from(parsed.value, 'latin1').toString('utf8')).toBe('brûlée');
    const a = parseCommand('PUT a k1\xff v1') as { key: string };
    const b = parseCommand('PUT a k1\xfe v2') as { key: string };
    expect(a.key).not.toBe(b.key);
    expect(Buffer.from(a.key, 'latin1')).toEqual(Buffer.from([0x6b, 0x31, 0xff]));
  });

  it.each([
    ['an empty line', ''],
    ['a blank line', ' \t '],
    ['a verb alone', 'GET'],
    ['CREATE without a bucket', 'CREATE'],
    ['CREATE with a key', 'CREATE shopping milk'],
    ['GET without a key', 'GET shopping'],
    ['GET with a value', 'GET shopping milk 1'],
    ['PUT without a value', 'PUT shopping milk'],
    ['PUT with two values', 'PUT shopping milk 1 2'],
    ['DELETE without a key', 'DELETE shopping'],
    ['DELETE with a value', 'DELETE shopping milk 1'],
    ['a lower-case verb', 'get shopping milk'],
    ['a mixed-case verb', 'Create shopping'],
    ['an unknown verb', 'FETCH shopping milk'],
    ['a verb with a prefix', 'XGET shopping milk'],
    ['a verb with a suffix', 'GETS shopping milk'],
    ['a three-letter verb of the wrong letters', 'GUT shopping milk'],
    ['a six-letter verb of the wrong letters', 'DELETX shopping'],
  ])('answers unknown for %s', (_name, line) => {
    expect(parseCommand(line)).toBe(UNKNOWN_COMMAND);
  });

  it('answers unknown for binary junk', () => {
    const junk = Buffer.from([0x00, 0xff, 0xfe, 0x47, 0x45, 0x54, 0x80, 0x20, 0xc3, 0x28, 0x20, 0x01]);
    expect(parseCommandBytes(junk, 0, junk.length)).toEqual({ op: 'unknown' });
  });

  it('parses a range of a larger buffer', () => {
    const chunk = Buffer.from('xxGET a b\r\nPUT a b c\n');
    expect(parseCommandBytes(chunk, 2, 9)).toEqual({ op: 'get', bucket: 'a', key: 'b' });
    expect(parseCommandBytes(chunk, 11, 20)).toEqual({ op: 'put', bucket: 'a', key: 'b', value: 'c' });
  });

  it('decodes tokens into strings independent of the buffer', () => {
    const chunk = Buffer.from('PUT bucket key-of-some-length value-of-some-length');
    const command = parseCommandBytes(chunk, 0, chunk.length);
    chunk.fill(0x7a);
    expect(command).toEqual({ op: 'put', bucket: 'bucket', key: 'key-of-some-length', value: 'value-of-some-length' });
  });
});
