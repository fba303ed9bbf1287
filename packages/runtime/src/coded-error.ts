/**
 * An error a user can act on: a stable code, listed in the README's errors table, and a one-line
 * message naming the thing and the fix. The runtime's RuntimeError and DistributionError and
 * kvrel's UserError and SeaError extend it; anything else thrown is a bug and keeps its stack.
 */

// A release carries the runtime twice (the launcher's bundle and the node's): a registered symbol,
// unlike `instanceof`, recognises a coded error from either copy.
const CODED = Symbol.for('kvrel.CodedError');

export class CodedError<Code extends string = string> extends Error {
  readonly code: Code;
  constructor(code: Code, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'CodedError';
    this.code = code;
    Object.defineProperty(this, CODED, { value: true });
  }
}

/** A CodedError from any copy of the runtime: a mistake a user can make, reported in one line. */
export function isCodedError(error: unknown): error is CodedError {
  return error instanceof Error && (error as unknown as Record<symbol, unknown>)[CODED] === true;
}
