/**
 * A node's log ends with why it ended and its exit status: a stop, a signal, or a process.exit()
 * that application or rpc code called (with the line that called it), so a daemon's log never
 * stops at "started" with the status lost. Installed for nodes that run (not for `eval`).
 */
import { createLogger } from './logger/logger.js';

const log = createLogger('');
let cause: string | undefined;
let installed = false;

/** Why the node is about to exit; the first reason given wins (a stop's, a signal's). */
export function noteExitCause(text: string): void {
  cause ??= text;
}

export function recordExits(): void {
  if (installed) return;
  installed = true;
  const exit = process.exit;
  const recordingExit = function (this: unknown, code?: number | string | null) {
    noteExitCause(`process.exit(${code ?? ''}) called ${callerOf(recordingExit)}, without a graceful stop`);
    return exit.call(process, code);
  };
  process.exit = recordingExit as typeof process.exit;
  process.on('exit', (status) => {
    // Synchronous by then: stdout to a file or pipe, and the daemon's RotatingLog, write at once.
    const line = `exiting with status ${status}: ${cause ?? 'nothing left to run'}`;
    if (status === 0) log.info(line);
    else log.error(line);
  });
}

function callerOf(fn: (...args: never[]) => unknown): string {
  const holder: { stack?: string } = {};
  Error.captureStackTrace(holder, fn);
  const frame = holder.stack?.split('\n')[1]?.trim();
  return frame ?? 'from an unknown place';
}
