/**
 * What a node does with an error nothing handled (a rejected promise left by an rpc expression, a
 * throw in a timer): it logs it and keeps running, as an OTP node logs a crashed process and goes
 * on. Installed once, at boot.
 *
 * The handler itself must never throw: a throw inside an 'uncaughtException' handler ends the
 * process with status 7. Logging does not throw (logger.ts), and the handler guards anyway, since
 * a sink or a custom toString of the error may.
 */
import { createLogger } from './logger/logger.js';
import { bootCrashWatchActive } from './boot-crash-watch.js';

const log = createLogger('');
let installed = false;

export function installCrashLog(): void {
  if (installed) return;
  installed = true;
  // While a node boots, such an error fails the boot instead (boot-crash-watch.ts).
  process.on('uncaughtException', (error) => bootCrashWatchActive() || logUnhandled('uncaught exception', error));
  process.on('unhandledRejection', (reason) => bootCrashWatchActive() || logUnhandled('unhandled promise rejection', reason));
}

/** Logs what nothing handled; never throws. */
export function logUnhandled(what: string, error: unknown): void {
  try {
    log.error(`${what} (the node keeps running): ${describe(error)}`);
  } catch {
    // Nowhere left to report it; the node keeps running.
  }
}

function describe(error: unknown): string {
  try {
    return error instanceof Error ? (error.stack ?? error.message) : String(error);
  } catch {
    return '(an error that cannot be printed)';
  }
}
