/**
 * `rpc` and `eval` take `[--stdin] EXPR [ARG...]` (SPEC §10): the extra arguments are `argv`
 * (strings) in the expression's scope, and `--stdin` reads standard input into `input`, so a
 * secret never sits on a command line or in the evaluated text.
 */
export interface EvalArguments {
  readonly expression: string;
  readonly argv: readonly string[];
  readonly stdin: boolean;
}

export const STDIN_FLAG = '--stdin';

export function parseEvalArguments(args: readonly string[]): EvalArguments {
  const stdin = args[0] === STDIN_FLAG;
  const [expression = '', ...argv] = stdin ? args.slice(1) : args;
  return { expression, argv, stdin };
}

/** What the expression sees besides the usual scope: `argv`, and `input` when --stdin was given. */
export async function evalBindings(parsed: EvalArguments, stdin: AsyncIterable<Buffer | string> = process.stdin): Promise<Record<string, unknown>> {
  return parsed.stdin ? { argv: [...parsed.argv], input: await readValue(stdin) } : { argv: [...parsed.argv] };
}

/** All of standard input, less one trailing newline (what `echo secret |` adds). */
export async function readValue(stdin: AsyncIterable<Buffer | string>): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}
