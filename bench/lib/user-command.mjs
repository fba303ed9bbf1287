// A command run as a user of a fixture project runs it: the shell's environment without the bench's npm_* variables.
import { performance } from 'node:perf_hooks';
import { spawnTracked, tail, waitForExit } from './processes.mjs';

/** The environment a user's shell gives: none of the bench's npm_* variables. */
export function userEnv(extra = {}) {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('npm_')));
  return { ...env, ...extra };
}

/** Runs a command to completion; its wall time in seconds, or an error with the end of its output. */
export async function runAsUser(cwd, command, args, what, env = {}, timeoutMs = 600_000) {
  const t0 = performance.now();
  const child = spawnTracked(command, args, { cwd, env: userEnv(env) });
  const status = await waitForExit(child, timeoutMs, what);
  if (status.code !== 0) throw new Error(`${what} failed (${JSON.stringify(status)}):\n${tail(child.output)}`);
  return (performance.now() - t0) / 1000;
}
