/**
 * An error a user can act on: a stable code, listed in docs/errors.md, and a one-line
 * message naming the thing and the fix. The runtime's RuntimeError and DistributionError and
 * kvrel's UserError and SeaError extend it; anything else thrown is a bug and keeps its stack.
 */
export class CodedError<Code extends string = string> extends Error {
  readonly code: Code;
  constructor(code: Code, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'CodedError';
    this.code = code;
  }
}
