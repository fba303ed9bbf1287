/**
 * `rpc` and `eval` take `[--stdin] [--timeout SECONDS] EXPR [ARG...]` (SPEC §10): the extra
 * arguments are `argv` (strings) in the expression's scope, `--stdin` reads standard input into
 * `input`, so a secret never sits on a command line or in the evaluated text, and `--timeout` bounds
 * how long the expression may run (0: no limit).
 */
import { UserError } from './user-error.js';

export interface EvalArguments {
  readonly expression: string;
  readonly argv: readonly string[];
  readonly stdin: boolean;
  /** From --timeout; undefined when not given (the command's default applies), 0 for no limit. */
  readonly timeoutSeconds?: number;
}

export const STDIN_FLAG = '--stdin';
export const TIMEOUT_FLAG = '--timeout';

/** Options count only before the expression; after it, they are arguments like any other. */
export function parseEvalArguments(args: readonly string[]): EvalArguments {
  let stdin = false;
  let timeoutSeconds: number | undefined;
  let at = 0;
  for (; at < args.length; at++) {
    const arg = args[at]!;
    if (arg === STDIN_FLAG) stdin = true;
    else if (arg === TIMEOUT_FLAG) timeoutSeconds = parseSeconds(args[++at]);
    else if (arg.startsWith(`${TIMEOUT_FLAG}=`)) timeoutSeconds = parseSeconds(arg.slice(TIMEOUT_FLAG.length + 1));
    else break;
  }
  const [expression = '', ...argv] = args.slice(at);
  return { expression, argv, stdin, ...(timeoutSeconds !== undefined && { timeoutSeconds }) };
}

function parseSeconds(text: string | undefined): number {
  const seconds = text === undefined || text.trim() === '' ? NaN : Number(text);
  if (!Number.isFinite(seconds) || seconds < 0 || seconds > 2_147_483) {
    throw new UserError('KVREL_BAD_OPTION', `--timeout expects a number of seconds from 0 (no limit) to 2147483, got ${JSON.stringify(text ?? '')}`);
  }
  return seconds;
}

/** The timeout in milliseconds: --timeout, else `defaultSeconds`; undefined for no limit. */
export function timeoutMsOf(parsed: EvalArguments, defaultSeconds: number | undefined): number | undefined {
  const seconds = parsed.timeoutSeconds ?? defaultSeconds;
  return seconds === undefined || seconds === 0 ? undefined : Math.max(1, Math.round(seconds * 1000));
}

/** What the expression sees besides the usual scope: `argv`, and `input` when --stdin was given. */
export async function evalBindings(parsed: EvalArguments, stdin: AsyncIterable<Buffer | string> = process.stdin): Promise<Record<string, unknown>> {
  return parsed.stdin ? { argv: [...parsed.argv], input: await readValue(stdin) } : { argv: [...parsed.argv] };
}

/** All of standard input, less one trailing newline (what `echo secret |` adds). */
export async function readValue(stdin: AsyncIterable<Buffer | string>): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}
