/**
 * What a node does on each signal (SPEC §10 "Signals"). SIGINT and SIGTERM stop it gracefully with
 * status 0. SIGHUP is logged and ignored: a node is stopped on purpose, not by a closed terminal or
 * session (the daemon's log rotates by itself, so there is nothing to reopen). Every other signal
 * whose default action would kill the process at once, silently and leaving a stale pid file, is
 * logged and stops the node gracefully with status 128 + its number, as a shell reports a death by
 * signal (so systemd's Restart=on-failure brings it back). A second signal while stopping exits at
 * once. SIGUSR1 is Node's inspector trigger: releases turn it off with --disable-sigusr1 (bin/<name>).
 *
 * Left alone: SIGPIPE and SIGXFSZ (Node ignores them: a full log file fails writes, not the node),
 * SIGPROF and SIGTRAP (profilers and debuggers use them), SIGSEGV/SIGBUS/SIGFPE/SIGILL (faults JS
 * cannot handle) and SIGKILL/SIGSTOP (cannot be caught).
 */
import { constants } from 'node:os';
import { createLogger } from './logger/logger.js';
import { isStopping, stopAndExit } from './node-lifecycle.js';

const log = createLogger('');

export const FATAL_SIGNALS: readonly NodeJS.Signals[] = ['SIGQUIT', 'SIGUSR2', 'SIGALRM', 'SIGVTALRM', 'SIGXCPU', 'SIGPWR', 'SIGSTKFLT', 'SIGIO', 'SIGSYS'];

/** A death by this signal, as a shell reports it. */
export function signalExitStatus(signal: NodeJS.Signals): number {
  return 128 + (constants.signals[signal] ?? 0);
}

let installed = false;

export function installSignalHandlers(): void {
  if (installed) return;
  installed = true;
  const stopOn = (signal: NodeJS.Signals, status: number) => () => {
    if (isStopping()) {
      log.warning(`${signal} received again while stopping; exiting now`);
      process.exit(status || 1);
    }
    const how = status === 0 ? 'stopping' : `stopping (exit status ${status})`;
    (status === 0 ? log.info : log.error).call(log, `${signal} received, ${how}`);
    void stopAndExit(status, `${signal} received`);
  };
  listen('SIGINT', stopOn('SIGINT', 0));
  listen('SIGTERM', stopOn('SIGTERM', 0));
  const release = process.env['RELEASE_NAME'];
  const stopIt = release ? `bin/${release} stop or SIGTERM stops it` : 'SIGTERM stops it';
  listen('SIGHUP', () => log.warning(`SIGHUP received and ignored: the node keeps running (${stopIt})`));
  for (const signal of FATAL_SIGNALS) listen(signal, stopOn(signal, signalExitStatus(signal)));
}

function listen(signal: NodeJS.Signals, handler: () => void): void {
  if (constants.signals[signal] === undefined) return; // not on this platform
  try {
    process.on(signal, handler);
  } catch {
    // A signal this platform's libuv refuses to watch keeps its default action.
  }
}
