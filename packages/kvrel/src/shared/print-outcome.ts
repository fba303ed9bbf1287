/** Prints what an evaluation gave (rpc and remote in the launcher, eval in the node); returns the exit status. */
import type { EvalOutcome } from '@kvrel/runtime/internal';

export function printOutcome(outcome: EvalOutcome): number {
  if (outcome.output) process.stdout.write(outcome.output);
  if (outcome.errorOutput) process.stderr.write(outcome.errorOutput);
  if (outcome.error !== undefined) {
    process.stderr.write(`${outcome.error}\n`);
    return 1;
  }
  if (outcome.value !== undefined) process.stdout.write(`${outcome.value}\n`);
  return 0;
}
