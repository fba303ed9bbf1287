/**
 * `rpc [--stdin] EXPR [ARG...]` (in the running node) and `eval [--stdin] EXPR [ARG...]` (in a fresh,
 * non-started node), with `argv` and `input` in scope (eval-arguments.ts).
 */
import { buildEvalScope, evaluateOnce, type ApplicationDescriptor, type EvalOutcome } from '@kvrel/runtime';
import { bootRelease } from '../release-node/release-boot.js';
import type { ReleaseContext } from '../release-node/release-context.js';
import { callRunningNode, NO_DEADLINE_MS } from '../release-node/node-link.js';
import { printOutcome } from '../release-node/remote-commands.js';
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

export async function evalCommand(args: readonly string[], context: ReleaseContext, applications: readonly ApplicationDescriptor[]): Promise<number> {
  const parsed = parseEvalArguments(args);
  if (parsed.expression === '') {
    process.stderr.write('ERROR: EVAL expects an expression as argument\n');
    return 1;
  }
  const bindings = await evalBindings(parsed);
  await bootRelease(context, applications, { startApplications: false });
  return printOutcome(await evaluateOnce(parsed.expression, { ...buildEvalScope(applications), ...bindings }));
}
