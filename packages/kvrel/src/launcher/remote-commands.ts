/**
 * The launcher's commands that call the running node as a hidden distribution node (node-link.ts):
 * remote, pid, restart (stop is stop-command.ts; rpc, operations/rpc-command.ts), and printOutcome,
 * which rpc and eval share. No node running is KVREL_NODE_NOT_RUNNING: one line, exit 1.
 */
import { createInterface } from 'node:readline';
import type { EvalOutcome } from '@kvrel/runtime/internal';
import { callRunningNode, NO_DEADLINE_MS, NodeNotRunningError, runningNodeName } from './node-link.js';
import { printOutcome } from '../shared/print-outcome.js';

function call(fn: string, args: unknown[] = [], timeoutMs?: number): Promise<unknown> {
  return callRunningNode('system', fn, args, timeoutMs);
}

export async function pid(): Promise<number> {
  process.stdout.write(`${String(await call('pid'))}\n`);
  return 0;
}

export async function restart(): Promise<number> {
  await call('restart', [], NO_DEADLINE_MS);
  return 0;
}

/** A REPL whose input is evaluated in the running node; works with piped stdin too. */
export async function remote(): Promise<number> {
  const session = (await call('openSession')) as string;
  const interactive = process.stdin.isTTY === true;
  const prompt = `${runningNodeName()}> `;
  const lines = createInterface({ input: process.stdin, output: interactive ? process.stdout : undefined, terminal: interactive });
  lines.setPrompt(prompt);
  if (interactive) lines.prompt();
  let status = 0;
  for await (const line of lines) {
    if (line.trim() !== '') {
      try {
        status = printOutcome((await call('evalInSession', [session, line], NO_DEADLINE_MS)) as EvalOutcome);
      } catch (error) {
        // The node went away (or was never there): the session is over.
        const code = (error as { code?: string }).code;
        if (error instanceof NodeNotRunningError || code === 'DIST_NODE_WENT_AWAY' || code === 'DIST_NODE_DOWN') throw error;
        process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
        status = 1;
      }
    }
    if (interactive) lines.prompt();
  }
  await call('closeSession', [session]).catch(() => {});
  return interactive ? 0 : status;
}
