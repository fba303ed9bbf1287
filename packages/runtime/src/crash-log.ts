/**
 * What a node does with an error nothing handled (a rejected promise left by an rpc expression, a
 * throw in a timer): it logs it and keeps running, as an OTP node logs a crashed process and goes
 * on. Installed once, at boot.
 */
import { createLogger } from './logger/logger.js';
import { bootCrashWatchActive } from './boot-crash-watch.js';

const log = createLogger('');
let installed = false;

export function installCrashLog(): void {
  if (installed) return;
  installed = true;
  process.on('uncaughtException', (error) => {
    if (bootCrashWatchActive()) return; // the boot fails with it
    log.error(`uncaught exception (the node keeps running): ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  });
  process.on('unhandledRejection', (reason) => {
    if (bootCrashWatchActive()) return;
    log.error(`unhandled promise rejection (the node keeps running): ${reason instanceof Error ? (reason.stack ?? reason.message) : String(reason)}`);
  });
}
