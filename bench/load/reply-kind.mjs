// Classifies one reply line of the kv protocol (SPEC §7) held in buf[start, end), without copying.
// Values are [a-z0-9-] only, so an upper-case line is never a value.
export const OK = 0;
export const VALUE = 1; // any other line: a GET's value line (possibly empty)
export const NOT_FOUND = 2;
export const SERVER_ERROR = 3; // ERROR <reason>
export const UNKNOWN = 4; // UNKNOWN COMMAND or anything upper-case we do not know

export function replyKind(buf, start, end) {
  const len = end - start;
  if (len === 0) return VALUE;
  const c = buf[start];
  if (c < 65 || c > 90) return VALUE; // not A-Z
  if (len === 2 && c === 79 && buf[start + 1] === 75) return OK;
  if (len === 9 && buf.toString('latin1', start, end) === 'NOT FOUND') return NOT_FOUND;
  if (len >= 5 && buf.toString('latin1', start, start + 5) === 'ERROR') return SERVER_ERROR;
  return UNKNOWN;
}
