/**
 * node:cluster in a node of several applications. Under plain node a cluster worker runs the whole
 * program again; in a node, the program is its applications, and only the one that forked the worker
 * is cluster-aware. So each `cluster.fork()` made while an application starts (or later, from
 * callbacks that application set up) names that application in the worker's environment, and the
 * worker starts that application with its dependencies; the others are loaded, not started (their
 * listeners would otherwise be opened a second time through the primary).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import cluster from 'node:cluster';
import type { StartMode } from './start-mode.js';
import type { ApplicationDescriptor } from './define-application.js';

/** The worker's environment variable naming the application that forked it. */
export const CLUSTER_APPLICATION_ENV = 'KVREL_CLUSTER_APPLICATION';

const starting = new AsyncLocalStorage<string>();

/** Runs an application's start with its name as the context of what it sets up. */
export function asApplication<T>(name: string, start: () => T): T {
  return starting.run(name, start);
}

let tagged = false;

/** In the primary: every worker forked in an application's context is told which application forked it. */
export function tagClusterForks(): void {
  if (tagged || !cluster.isPrimary) return;
  tagged = true;
  const fork = cluster.fork.bind(cluster);
  cluster.fork = (env?: NodeJS.ProcessEnv) => {
    const name = starting.getStore();
    return fork(name === undefined ? env : { [CLUSTER_APPLICATION_ENV]: name, ...env });
  };
}

/** In a worker forked by an application: that application and its dependencies keep their modes, the others are loaded only. */
export function workerModes(
  applications: readonly ApplicationDescriptor[],
  modes: Readonly<Record<string, StartMode>>,
  env: NodeJS.ProcessEnv = process.env,
): Readonly<Record<string, StartMode>> {
  const forking = env[CLUSTER_APPLICATION_ENV];
  if (!cluster.isWorker || !forking) return modes;
  const byName = new Map(applications.map((a) => [a.spec.name, a]));
  const wanted = new Set<string>();
  const visit = (name: string): void => {
    if (wanted.has(name)) return;
    wanted.add(name);
    for (const dependency of byName.get(name)?.dependencies ?? []) visit(dependency);
  };
  visit(forking);
  return Object.fromEntries(Object.entries(modes).map(([name, mode]) => [name, wanted.has(name) || mode === 'none' ? mode : 'load']));
}
