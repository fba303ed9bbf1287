/**
 * `rpc [--stdin] [--timeout SECONDS] EXPR [ARG...]`: evaluates in the running node, with `argv` and
 * `input` in scope (eval-arguments.ts). `eval` takes the same arguments on the node side
 * (node/release-node-main.ts). The node bounds the evaluation by the timeout (evaluator.ts); the
 * launcher waits a little longer for its answer, then gives up on a node whose event loop the code
 * holds (a loop after an `await`, which nothing inside the node can interrupt).
 */
import type { EvalOutcome } from '@kvrel/runtime/internal';
import { callRunningNode, NO_DEADLINE_MS, runningNodeName } from '../node-link.js';
import { printOutcome } from '../../shared/print-outcome.js';
import { evalBindings, parseEvalArguments, timeoutMsOf } from '../../shared/eval-arguments.js';

/** rpc's --timeout when none is given; `--timeout 0` waits for as long as the code runs. */
export const RPC_DEFAULT_TIMEOUT_SECONDS = 60;
/** How long past the timeout the launcher waits for the node's own "did not return" answer. */
const ANSWER_MARGIN_MS = 5_000;

export async function rpcCommand(args: readonly string[]): Promise<number> {
  const parsed = parseEvalArguments(args);
  if (parsed.expression === '') {
    process.stderr.write('ERROR: RPC expects an expression as argument\n');
    return 1;
  }
  const bindings = await evalBindings(parsed);
  const timeoutMs = timeoutMsOf(parsed, RPC_DEFAULT_TIMEOUT_SECONDS);
  const deadline = timeoutMs === undefined ? NO_DEADLINE_MS : timeoutMs + ANSWER_MARGIN_MS;
  try {
    return printOutcome((await callRunningNode('system', 'eval', [parsed.expression, bindings, { timeoutMs }], deadline)) as EvalOutcome);
  } catch (error) {
    if ((error as { code?: unknown }).code !== 'DIST_CALL_TIMEOUT') throw error;
    const seconds = timeoutMs! / 1000;
    process.stderr.write(
      `ERROR: node ${JSON.stringify(runningNodeName())} did not answer within ${seconds} s (--timeout ${seconds}) and ${ANSWER_MARGIN_MS / 1000} s more: ` +
        `the code holds its event loop (a loop after an await cannot be interrupted); bin/${process.env['RELEASE_NAME'] ?? '<name>'} stop ends the node\n`,
    );
    return 1;
  }
}
