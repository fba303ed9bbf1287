/**
 * `rpc [--stdin] EXPR [ARG...]`: evaluates in the running node, with `argv` and `input` in scope
 * (eval-arguments.ts). `eval` takes the same arguments on the node side (node/release-node-main.ts).
 */
import type { EvalOutcome } from '@kvrel/runtime/internal';
import { callRunningNode, NO_DEADLINE_MS } from '../launcher/node-link.js';
import { printOutcome } from '../launcher/remote-commands.js';
import { evalBindings, parseEvalArguments } from './eval-arguments.js';

export async function rpcCommand(args: readonly string[]): Promise<number> {
  const parsed = parseEvalArguments(args);
  if (parsed.expression === '') {
    process.stderr.write('ERROR: RPC expects an expression as argument\n');
    return 1;
  }
  const bindings = await evalBindings(parsed);
  return printOutcome((await callRunningNode('system', 'eval', [parsed.expression, bindings], NO_DEADLINE_MS)) as EvalOutcome);
}
