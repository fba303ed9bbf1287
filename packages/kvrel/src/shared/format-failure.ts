/**
 * What a user sees of a failure, in the CLI, the release's executable and `kvrel run`'s node alike:
 * a coded error is one line (its stack too with KVREL_DEBUG=1, as MIX_DEBUG=1 does); anything else
 * is a bug and keeps its stack.
 */
import { isCodedError } from '@kvrel/runtime/internal';

/** The report of the error that ended a command, `prefix` first (`error: `, `ERROR: `), ending in a newline. */
export function failureReport(error: unknown, prefix: string, env: NodeJS.ProcessEnv = process.env): string {
  if (!isCodedError(error) && !raisedByRunningNode(error)) return `kvrel crashed, this is a bug:\n${stackOf(error)}\n`;
  const debug = env['KVREL_DEBUG'] === '1' && error instanceof Error && error.stack ? `${error.stack}\n` : '';
  return `${prefix}${formatFailure(error)}\n${debug}`;
}

/** A call the running node answered with an error (RemoteCallError): the node's own report, where a local stack says nothing. */
function raisedByRunningNode(error: unknown): error is Error {
  return error instanceof Error && error.name === 'RemoteCallError';
}

/**
 * The error's one-line message, followed by the stack of a bug found underneath it (an error without
 * a code in its cause chain, such as a TypeError thrown by an application's start), which the user
 * needs to fix their code. Coded errors alone stay one line.
 */
export function formatFailure(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const bug = bugUnderneath(error);
  return bug ? `${message}\n${stackOf(bug)}` : message;
}

function bugUnderneath(error: unknown): Error | undefined {
  let current = (error as { cause?: unknown } | undefined)?.cause;
  for (let depth = 0; current !== undefined && depth < 8; depth++) {
    if (current instanceof Error && (current as { code?: unknown }).code === undefined) return current;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

function stackOf(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}
