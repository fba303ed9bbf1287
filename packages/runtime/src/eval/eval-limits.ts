/**
 * The bounds of one evaluation for rpc (and eval with --timeout): how long it may run, and how big
 * its result may be. A result must fit one distribution frame; it is refused by its size before it
 * is encoded, so a huge value does not cost the node another copy or two on its way out.
 */
import { DEFAULT_MAX_FRAME_BYTES } from '../distribution/wire/frame.js';

export interface EvalLimits {
  /** Synchronous code is interrupted past it, a promise no longer awaited; undefined: no limit. */
  readonly timeoutMs?: number | undefined;
  /** What the code printed and its value together, in UTF-8 bytes; undefined: no limit. */
  readonly maxResultBytes?: number | undefined;
}

/** An rpc result's room in a frame: the frame limit less 1 MiB for the message around it. */
export const MAX_RPC_RESULT_BYTES = DEFAULT_MAX_FRAME_BYTES - 1024 * 1024;

export function timeoutError(timeoutMs: number, interrupted: boolean): string {
  const seconds = timeoutMs / 1000;
  return interrupted
    ? `ran past its ${seconds} s timeout and was interrupted (--timeout ${seconds})`
    : `did not return within ${seconds} s (--timeout ${seconds}); no longer waited for (what it started may still run in the node)`;
}

export function resultTooLarge(bytes: number, limit: number): string {
  return (
    `the result is ${bytes.toLocaleString('en-US')} bytes or more, over the limit of ${limit.toLocaleString('en-US')} bytes ` +
    `(${(limit / 1048576).toFixed(0)} MiB: one distribution frame less room for the message); return less, or write it to a file`
  );
}
