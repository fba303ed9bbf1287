/**
 * The text of a failure a user sees: the error's one-line message, followed by the stack of a bug
 * found underneath it (an error without a code in its cause chain, such as a TypeError thrown by an
 * application's start), which the user needs to fix their code. Coded errors alone stay one line.
 */
export function formatFailure(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const bug = bugUnderneath(error);
  return bug ? `${message}\n${bug.stack ?? String(bug)}` : message;
}

function bugUnderneath(error: unknown): Error | undefined {
  let current = (error as { cause?: unknown } | undefined)?.cause;
  for (let depth = 0; current !== undefined && depth < 8; depth++) {
    if (current instanceof Error && (current as { code?: unknown }).code === undefined) return current;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}
