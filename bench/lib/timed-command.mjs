// Runs a short command to completion and times it from spawn to exit (for rpc, pid, eval, du).
import { performance } from 'node:perf_hooks';
import { spawnTracked, waitForExit } from './processes.mjs';

export async function timedCommand(command, args, { env, cwd, timeoutMs = 30_000 } = {}) {
  const t0 = performance.now();
  const child = spawnTracked(command, args, { env, cwd });
  const status = await waitForExit(child, timeoutMs, `${command} ${args.join(' ')}`);
  return { ms: performance.now() - t0, status, output: child.output };
}
