import { describe, expect, it } from 'vitest';
import { LINE, LineReader, NEED_MORE, TOO_LONG } from './line-reader.js';

/** Feeds the chunks in order; returns every line read, and 'TOO LONG' where the reader gave up. */
function read(chunks: Array<string | Buffer>, maxLineBytes = 64): string[] {
  const reader = new LineReader(maxLineBytes);
  const lines: string[] = [];
  for (const chunk of chunks) {
    reader.push(typeof chunk === 'string' ? Buffer.from(chunk, 'latin1') : chunk);
    for (;;) {
      const status = reader.next();
      if (status === NEED_MORE) break;
      if (status === TOO_LONG) return [...lines, 'TOO LONG'];
      lines.push(reader.line.toString('latin1', reader.lineStart, reader.lineEnd));
    }
  }
  return lines;
}

function bytewise(text: string): string[] {
  return [...text];
}

describe('LineReader', () => {
  it('splits on \\n and on \\r\\n', () => {
    expect(read(['CREATE a\nGET a b\r\nPUT a b c\n'])).toEqual(['CREATE a', 'GET a b', 'PUT a b c']);
  });

  it('reads the same lines when fed byte by byte', () => {
    const text = 'CREATE shopping\r\nPUT shopping milk 1\nGET shopping milk\r\n\r\n';
    expect(read(bytewise(text))).toEqual(['CREATE shopping', 'PUT shopping milk 1', 'GET shopping milk', '']);
  });

  it('joins a \\r\\n split across chunks', () => {
    expect(read(['GET a b\r', '\nGET a c\r', '\n'])).toEqual(['GET a b', 'GET a c']);
  });

  it('keeps a lone \\r inside a line', () => {
    expect(read(['a\rb\n'])).toEqual(['a\rb']);
  });

  it('joins a line spread over many chunks', () => {
    expect(read(['PU', 'T a ', 'b ', 'c', '\nGET', ' a b\n'])).toEqual(['PUT a b c', 'GET a b']);
  });

  it('never hands out a trailing partial line', () => {
    const reader = new LineReader(64);
    reader.push(Buffer.from('GET a b\nPUT b k v'));
    expect(reader.next()).toBe(LINE);
    expect(reader.next()).toBe(NEED_MORE);
    expect(reader.pendingBytes).toBe(9);
    expect(reader.next()).toBe(NEED_MORE);
  });

  it('hands out a line held in one chunk as a range of that chunk, without copying', () => {
    const reader = new LineReader(64);
    const chunk = Buffer.from('GET a b\r\nGET a c\n');
    reader.push(chunk);
    expect(reader.next()).toBe(LINE);
    expect(reader.line).toBe(chunk);
    expect([reader.lineStart, reader.lineEnd]).toEqual([0, 7]);
    expect(reader.next()).toBe(LINE);
    expect([reader.lineStart, reader.lineEnd]).toEqual([9, 16]);
  });

  it('copies a partial tail instead of keeping its whole chunk', () => {
    const reader = new LineReader(64);
    const chunk = Buffer.from('GET a b\nPUT');
    reader.push(chunk);
    expect(reader.next()).toBe(LINE);
    expect(reader.next()).toBe(NEED_MORE);
    chunk.write('XXX', 8, 'latin1'); // the tail was copied: changing the chunk changes nothing
    reader.push(Buffer.from(' a b c\n'));
    expect(reader.next()).toBe(LINE);
    expect(reader.line.toString('latin1', reader.lineStart, reader.lineEnd)).toBe('PUT a b c');
  });

  it('keeps chunks pushed before the previous one was read', () => {
    const reader = new LineReader(64);
    reader.push(Buffer.from('A\nB'));
    reader.push(Buffer.from('\nC\n'));
    const lines: string[] = [];
    while (reader.next() === LINE) lines.push(reader.line.toString('latin1', reader.lineStart, reader.lineEnd));
    expect(lines).toEqual(['A', 'B', 'C']);
    expect(reader.hasUnscanned).toBe(false);
  });

  describe('maxLineBytes', () => {
    it('accepts a line of exactly the limit, with \\n or \\r\\n, also split before the \\n', () => {
      const line = 'x'.repeat(8);
      expect(read([`${line}\n`], 8)).toEqual([line]);
      expect(read([`${line}\r\n`], 8)).toEqual([line]);
      expect(read([`${line}\r`, '\n'], 8)).toEqual([line]);
      expect(read(bytewise(`${line}\r\n`), 8)).toEqual([line]);
    });

    it('rejects a line one byte over the limit', () => {
      expect(read([`${'x'.repeat(9)}\n`], 8)).toEqual(['TOO LONG']);
      expect(read([`${'x'.repeat(9)}\r\n`], 8)).toEqual(['TOO LONG']);
      expect(read(['xxxx', 'xxxxx', '\n'], 8)).toEqual(['TOO LONG']);
      expect(read([`${'x'.repeat(8)}\r`, 'x\n'], 8)).toEqual(['TOO LONG']);
    });

    it('answers the lines before a long one, then stops for good', () => {
      expect(read([`GET a b\n${'x'.repeat(100)}\nGET a c\n`, 'GET a d\n'], 16)).toEqual(['GET a b', 'TOO LONG']);
    });

    it('reports too long as soon as the pending bytes pass the limit, without holding more than the limit', () => {
      const reader = new LineReader(16);
      for (let i = 0; i < 16; i++) {
        reader.push(Buffer.from('x'));
        expect(reader.next()).toBe(NEED_MORE);
      }
      expect(reader.pendingBytes).toBe(16);
      reader.push(Buffer.from('x'));
      expect(reader.next()).toBe(TOO_LONG);
      expect(reader.pendingBytes).toBe(0);
      reader.push(Buffer.from('\n'));
      expect(reader.next()).toBe(TOO_LONG);
    });

    it('reports a huge line in one chunk at once', () => {
      const reader = new LineReader(1024);
      reader.push(Buffer.alloc(1 << 20, 0x61));
      expect(reader.next()).toBe(TOO_LONG);
      expect(reader.pendingBytes).toBe(0);
    });

    it('rejects a limit that is not a positive integer', () => {
      expect(() => new LineReader(0)).toThrow('maxLineBytes must be a positive integer, got 0');
    });
  });
});

describe('LineReader accounting', () => {
  it('holds the partial line and unscanned chunks in heldBytes, and numbers each partial line', () => {
    const reader = new LineReader(64);
    reader.push(Buffer.from('GET a'));
    expect(reader.heldBytes).toBe(5);
    expect(reader.next()).toBe(NEED_MORE);
    expect([reader.heldBytes, reader.partialLines]).toEqual([5, 1]);
    reader.push(Buffer.from(' b'));
    reader.push(Buffer.from('\nPUT'));
    expect(reader.heldBytes).toBe(11);
    expect(reader.next()).toBe(LINE);
    expect(reader.partialLines).toBe(1); // ' b' made the same partial line longer
    expect(reader.next()).toBe(NEED_MORE);
    expect([reader.heldBytes, reader.partialLines]).toEqual([3, 2]);
  });

  it('drops what it holds on discard and ignores later input', () => {
    const reader = new LineReader(64);
    reader.push(Buffer.from('PUT a b '));
    reader.next();
    reader.discard();
    reader.push(Buffer.from('c\n'));
    expect([reader.heldBytes, reader.next()]).toEqual([0, NEED_MORE]);
  });
});
