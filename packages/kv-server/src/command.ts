/**
 * parseCommand: one request line → a Command (pure; the guide's KVServer.Command.parse/1; SPEC §7).
 * A command is kv's own KvOperation, ready for kv to run, or unknown. Tokens are split on runs of
 * spaces and tabs, leading and trailing ones ignored (the guide's String.split/1, narrowed to what the
 * README promises: keys and values are any bytes but space, tab and newline, so \v, \f and a \r
 * inside a line are kept as part of a token; the line reader already dropped a "\r" before "\n").
 * Verbs are upper case; anything else — wrong arity, an empty line, binary junk — is `{ op: 'unknown' }`.
 *
 * The byte form works on a range of a Buffer and decodes each token (UTF-8) from its own range, so
 * the keys and values that get stored are flat strings that never pin the chunk they came from.
 */
import type { KvOperation } from 'kv';

export type Command = KvOperation | UnknownCommand;

export interface UnknownCommand {
  readonly op: 'unknown';
}

export const UNKNOWN_COMMAND: UnknownCommand = Object.freeze({ op: 'unknown' });

/** Token bounds of the line being parsed: [start0, end0, start1, end1, …]; at most 4 tokens. */
const bounds = new Int32Array(8);

/**
 * Parses one line (without its newline). The protocol is bytes: each token becomes a string of one
 * character per byte (latin1), so every byte of a key or value survives storage and comes back as
 * it was sent, invalid UTF-8 included, and two different byte strings never become one key.
 */
export function parseCommand(line: string): Command {
  const bytes = Buffer.from(line, 'latin1');
  return parseCommandBytes(bytes, 0, bytes.length);
}

/** Parses the line `buffer[start, end)` (without its newline). */
export function parseCommandBytes(buffer: Buffer, start: number, end: number): Command {
  let count = 0;
  let i = start;
  for (;;) {
    while (i < end && isBlank(buffer[i]!)) i++;
    if (i >= end) break;
    if (count === 4) return UNKNOWN_COMMAND;
    bounds[count * 2] = i;
    while (i < end && !isBlank(buffer[i]!)) i++;
    bounds[count * 2 + 1] = i;
    count++;
  }
  if (count < 2) return UNKNOWN_COMMAND;
  const verbStart = bounds[0]!;
  const verbLength = bounds[1]! - verbStart;
  if (verbLength === 3 && buffer[verbStart + 2] === 0x54 /* T */) {
    const first = buffer[verbStart];
    const second = buffer[verbStart + 1];
    if (count === 3 && first === 0x47 /* G */ && second === 0x45 /* E */) {
      return { op: 'get', bucket: token(buffer, 1), key: token(buffer, 2) };
    }
    if (count === 4 && first === 0x50 /* P */ && second === 0x55 /* U */) {
      return { op: 'put', bucket: token(buffer, 1), key: token(buffer, 2), value: token(buffer, 3) };
    }
    return UNKNOWN_COMMAND;
  }
  if (verbLength === 6) {
    if (count === 2 && matches(buffer, verbStart, 'CREATE')) return { op: 'create', bucket: token(buffer, 1) };
    if (count === 3 && matches(buffer, verbStart, 'DELETE')) return { op: 'delete', bucket: token(buffer, 1), key: token(buffer, 2) };
  }
  return UNKNOWN_COMMAND;
}

/** The separators between tokens: space and tab (a line holds no newline). */
function isBlank(byte: number): boolean {
  return byte === 0x20 || byte === 0x09;
}

function token(buffer: Buffer, index: number): string {
  return buffer.toString('latin1', bounds[index * 2], bounds[index * 2 + 1]);
}

function matches(buffer: Buffer, at: number, word: string): boolean {
  for (let j = 0; j < word.length; j++) if (buffer[at + j] !== word.charCodeAt(j)) return false;
  return true;
}
