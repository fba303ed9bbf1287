/**
 * The node's lifecycle as boot and the launchers drive it: boot attaches the running node and marks
 * it booted; a stop is graceful (applications in reverse order, then distribution, then exit);
 * signals drive it too (node-signals.ts), and each exit is logged with its cause (exit-record.ts). Internal: application code and rpc see the
 * System module (system.ts), which reads this state and exposes none of these levers.
 */
import { noteExitCause } from './exit-record.js';
import { createLogger } from './logger/logger.js';

const log = createLogger('');

export interface NodeLifecycle {
  /** Stops applications and distribution; resolves when everything is down. */
  shutdown(): Promise<void>;
  /** Stops and starts the applications again, in the same OS process. */
  restartApplications(): Promise<void>;
  exit(status: number): void;
}

let current: NodeLifecycle | undefined;
let booted = false;
let markBootedNow!: () => void;
const bootedPromise = new Promise<void>((resolve) => (markBootedNow = resolve));
let stopping: Promise<void> | undefined;

/** Whether the node has finished booting: applications started and distribution up. */
export function isBooted(): boolean {
  return booted;
}

/** Resolves once the node has finished booting. */
export function whenBooted(): Promise<void> {
  return bootedPromise;
}

/** While a node is booting, resolves once it is up; undefined when there is nothing to wait for. */
export function bootPending(): Promise<void> | undefined {
  return current !== undefined && !booted ? bootedPromise : undefined;
}

/** Called by boot when everything is up. */
export function markBooted(): void {
  booted = true;
  markBootedNow();
}

/** Called by boot: the node this process now runs. */
export function attachNode(node: NodeLifecycle | undefined): void {
  current = node;
  stopping = undefined;
}

/** Whether a stop is under way. */
export function isStopping(): boolean {
  return stopping !== undefined;
}

/** Stops the node gracefully and exits with `status` (at once when no node is attached); `cause` is logged at exit. */
export function stopAndExit(status: number, cause = 'stopped'): Promise<void> {
  if (stopping) return stopping;
  noteExitCause(cause);
  const node = current;
  stopping = (async () => {
    await new Promise((resolve) => setImmediate(resolve));
    if (!node) {
      process.exit(status);
    }
    try {
      await node.shutdown();
    } catch (error) {
      log.error(`shutdown failed: ${error instanceof Error ? error.message : String(error)}`);
      status = status || 1;
    }
    node.exit(status);
  })();
  return stopping;
}

/** Restarts every application of the attached node (the OS process stays). */
export async function restartApplications(): Promise<void> {
  if (!current) throw new Error('no node is running in this process');
  await current.restartApplications();
}

/** A node runs until it is stopped (SIGINT/SIGTERM, `stop`, System.stop()), like `mix run --no-halt`. */
export function keepRunning(): void {
  setInterval(() => {}, 1 << 30);
}
