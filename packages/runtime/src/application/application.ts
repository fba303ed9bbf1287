/** The Application module of rpc/eval/remote and of application code (Elixir's Application). */
import { deleteEnv, fetchEnv, getAllEnv, getEnv, putEnv } from './environment.js';
import type { ApplicationController, StartedApplication } from './controller.js';

let controller: ApplicationController | undefined;

export function attachController(next: ApplicationController | undefined): void {
  controller = next;
}

export function currentController(): ApplicationController {
  if (!controller) throw new Error('no node is running in this process');
  return controller;
}

export const Application = {
  getEnv,
  fetchEnv,
  putEnv,
  deleteEnv,
  getAllEnv,
  /** Starts `app` and its dependencies that are not started yet; resolves with the names it started. */
  ensureAllStarted(app: string): Promise<string[]> {
    return currentController().ensureAllStarted(app);
  },
  /** The folder of files `app` ships beside its code (its package's priv/), in a release and from source. */
  privDir(app: string): string {
    return currentController().privDir(app);
  },
  /** Stops `app` (its dependencies keep running); its start mode does not apply to a stop asked for. */
  stop(app: string): Promise<void> {
    return currentController().stop(app);
  },
  startedApplications(): StartedApplication[] {
    return controller ? controller.startedApplications() : [];
  },
};
