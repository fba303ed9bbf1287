/**
 * `daemon`: starts the node as a detached copy of this executable (a SEA cannot fork its own
 * script: it re-runs itself with `start` and KVREL_DAEMON=1), its output going to rotated logs under
 * RELEASE_TMP/log, and returns once the node has booted and written its pid file.
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, rmSync } from 'node:fs';
import { pollUntil } from '@kvrel/runtime/internal';
import { prepareReleaseTmp } from './release-tmp.js';
import { join } from 'node:path';
import { runsExecutable } from './release-process.js';
import type { ReleaseContext } from './release-context.js';

export const DAEMON_ENV = 'KVREL_DAEMON';

export function pidFile(context: ReleaseContext): string {
  return join(context.tmp, `${context.manifest.name}.pid`);
}

export function logDir(context: ReleaseContext): string {
  return join(context.tmp, 'log');
}

/** Quotes execArgv back into one --node-options value (the format NODE_OPTIONS parsing takes). */
export function nodeOptionsArgument(): string {
  const quoted = process.execArgv.map((arg) => (/[\s"]/.test(arg) ? `"${arg.replace(/(["\\])/g, '\\$1')}"` : arg));
  return `--node-options=${quoted.join(' ')}`;
}

export async function runDaemon(context: ReleaseContext, command: 'start' | 'start_iex', timeoutMs = 30_000): Promise<number> {
  prepareReleaseTmp(context.tmp, ['log']);
  const pidPath = pidFile(context);
  const running = existsSync(pidPath) ? Number(readFileSync(pidPath, 'utf8').trim()) : 0;
  // A pid file is stale when its process is gone or is another program that got the pid since.
  if (running > 0 && runsExecutable(running, process.execPath)) {
    process.stderr.write(`ERROR: ${context.manifest.name} is already running as a daemon (pid ${running}, ${pidPath})\n`);
    return 1;
  }
  rmSync(pidPath, { force: true });
  // Whatever Node itself prints (a fatal error, an abort) lands in the log too, not in /dev/null.
  const output = openSync(join(logDir(context), `${context.manifest.name}.log.1`), 'a');
  // With vm.args in NODE_OPTIONS (older Nodes), the child inherits them through the environment.
  const vmArgs = context.manifest.vmArgsVia === 'cli' ? [nodeOptionsArgument()] : [];
  const child = spawn(process.execPath, [...vmArgs, command === 'start_iex' ? 'start' : command], {
    detached: true,
    stdio: ['ignore', output, output],
    env: { ...process.env, [DAEMON_ENV]: '1' },
  });
  closeSync(output);
  let exited: number | null | undefined;
  child.on('exit', (code, signal) => {
    exited = code ?? (signal ? 128 : 1);
  });
  // Booted once the pid file names the child; false once the child has exited.
  const booted = await pollUntil(
    () => (exited !== undefined ? false : existsSync(pidPath) && readFileSync(pidPath, 'utf8').trim() === String(child.pid) ? true : undefined),
    { timeoutMs, intervalMs: 10 },
  );
  if (booted) {
    child.unref();
    return 0;
  }
  const log = join(logDir(context), `${context.manifest.name}.log.1`);
  const tail = existsSync(log) ? readFileSync(log, 'utf8').split('\n').slice(-15).join('\n') : '';
  process.stderr.write(
    exited !== undefined
      ? `ERROR: the node exited with status ${exited} while starting; its log (${log}) ends with:\n${tail}\n`
      : `ERROR: the node did not finish booting within ${timeoutMs / 1000} s; see ${log}\n`,
  );
  if (exited === undefined) child.kill('SIGKILL');
  return 1;
}
