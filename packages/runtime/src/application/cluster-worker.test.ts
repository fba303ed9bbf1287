import cluster from 'node:cluster';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CLUSTER_APPLICATION_ENV, workerModes } from './cluster-worker.js';
import type { ApplicationDescriptor } from './define-application.js';

const app = (name: string, dependencies: string[] = []): ApplicationDescriptor => ({ spec: { name }, version: '1.0.0', dependencies });
const applications = [app('kv'), app('web', ['kv']), app('kv-server', ['kv']), app('jobs')];
const modes = { kv: 'permanent', web: 'permanent', 'kv-server': 'permanent', jobs: 'temporary' } as const;

afterEach(() => vi.restoreAllMocks());

describe('workerModes', () => {
  it('keeps every mode in the primary', () => {
    expect(workerModes(applications, modes, { [CLUSTER_APPLICATION_ENV]: 'web' })).toBe(modes);
  });

  it('in a worker forked by an application: that application and its dependencies start, the others only load', () => {
    vi.spyOn(cluster, 'isWorker', 'get').mockReturnValue(true);
    expect(workerModes(applications, modes, { [CLUSTER_APPLICATION_ENV]: 'web' })).toEqual({
      kv: 'permanent',
      web: 'permanent',
      'kv-server': 'load',
      jobs: 'load',
    });
  });

  it('in a worker no application forked (cluster.fork outside any start): everything, as node reruns the program', () => {
    vi.spyOn(cluster, 'isWorker', 'get').mockReturnValue(true);
    expect(workerModes(applications, modes, {})).toBe(modes);
  });
});
