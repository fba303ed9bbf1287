/**
 * What a node does with an error nothing handled (a rejected promise left by an rpc expression, a
 * throw in a timer): it logs it and keeps running, as an OTP node logs a crashed process and goes
 * on. Installed once, at boot.
 */
import { createLogger } from './logger/logger.js';

const log = createLogger('');
let installed = false;

export function installCrashLog(): void {
  if (installed) return;
  installed = true;
  process.on('uncaughtException', (error) => {
    log.error(`uncaught exception (the node keeps running): ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  });
  process.on('unhandledRejection', (reason) => {
    log.error(`unhandled promise rejection (the node keeps running): ${reason instanceof Error ? (reason.stack ?? reason.message) : String(reason)}`);
  });
}
