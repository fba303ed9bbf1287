/**
 * Code with top-level `await`, compiled as an async function the evaluator runs itself (in a vm
 * context, with a timeout), so everything it throws or rejects with reaches the caller, `null` and
 * `undefined` included: the REPL's own await path reports those as success (its callback cannot tell
 * `reject(null)` from a result). The value is the last statement's when that statement is an
 * expression, as in the REPL: the code is tried whole as an expression, then split before its last
 * statement at a `;` or line break (a split inside a string, comment or template does not compile),
 * and otherwise run as statements with no value. Code that compiles in none of these forms is left to
 * the REPL, whose syntax errors read as users know them.
 */
import { Script } from 'node:vm';

/** How many split points are tried from the end: the last statement is rarely further back. */
const MAX_SPLITS = 64;

export function compileAwaitScript(code: string): Script | undefined {
  for (const candidate of candidates(code)) {
    try {
      return new Script(candidate, { filename: 'rpc' });
    } catch {
      // Not this form: try the next one.
    }
  }
  return undefined;
}

function* candidates(code: string): Generator<string> {
  yield `(async () => (\n${code}\n))()`;
  let tried = 0;
  for (let at = code.length - 1; at > 0 && tried < MAX_SPLITS; at--) {
    const char = code[at];
    if (char !== ';' && char !== '\n') continue;
    const last = code.slice(at + 1);
    if (last.trim() === '') continue;
    tried++;
    // `;return (` on the prefix's own line: a split inside a line comment swallows it and fails to compile.
    const prefix = char === ';' ? code.slice(0, at) : `${code.slice(0, at)}\n`;
    yield `(async () => {\n${prefix};return (\n${last}\n)})()`;
  }
  yield `(async () => {\n${code}\n})()`;
}
