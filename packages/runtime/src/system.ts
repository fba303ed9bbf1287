/**
 * System: this OS process as a node, as application code and rpc/eval/remote see it. stop() is
 * graceful (applications in reverse order, then distribution, then exit). How boot and the
 * launchers drive the node is internal (node-lifecycle.ts).
 */
import * as lifecycle from './node-lifecycle.js';

export function pid(): number {
  return process.pid;
}

/** Stops the node gracefully and exits with `status`. Returns at once; the stop happens on the next turn. */
export function stop(status = 0): void {
  void lifecycle.stopAndExit(status, `System.stop(${status}) called`);
}

/** Restarts every application in this node (the OS process stays); resolves once they are up again. */
export function restart(): Promise<void> {
  return lifecycle.restartApplications();
}

/** Whether the node has finished booting: applications started and distribution up. */
export function isBooted(): boolean {
  return lifecycle.isBooted();
}

/** Resolves once the node has finished booting (a listener may accept before then, then serve). */
export function whenBooted(): Promise<void> {
  return lifecycle.whenBooted();
}

/** While a node is booting, resolves once it is up; undefined when there is nothing to wait for. */
export function bootPending(): Promise<void> | undefined {
  return lifecycle.bootPending();
}
