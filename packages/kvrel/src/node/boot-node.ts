/**
 * Boots a node: the one path shared by `kvrel run` (from source) and a release's executable. It
 * resolves the node's name once, starts distribution with the cookie alongside the applications,
 * boots (configuration, applications per their modes) and logs "started on <node>" once fully up.
 */
import cluster from 'node:cluster';
import { createLogger, loadDistTls, recordExits, startDistribution } from '@kvrel/runtime/internal';
import { nodeNameOf, type NodeDistribution } from '../shared/node-name.js';
import { boot, type BootedNode, type BootOptions } from '@kvrel/runtime/internal';

export interface BootNodeOptions extends Omit<BootOptions, 'nodeName' | 'startDistribution'> {
  /** undefined: no distribution (nonode@nohost). */
  readonly distribution?: NodeDistribution | undefined;
  /** Log "started on <node>" once booted (default true; a release's `eval` does not). */
  readonly announce?: boolean;
}

export interface BootedNodeInfo extends BootedNode {
  /** `foo@host`, or nonode@nohost without distribution. */
  readonly nodeName: string;
}

export async function bootNode(options: BootNodeOptions): Promise<BootedNodeInfo> {
  const { announce = true, ...bootOptions } = options;
  // A cluster worker runs the node's code again, as node runs a program again in each worker: it
  // serves through the primary and does not join distribution (the primary holds the node's name).
  const distribution = cluster.isWorker ? undefined : options.distribution;
  const nodeName = nodeNameOf(distribution);
  const { distribution: _asked, ...rest } = bootOptions;
  const booted = await boot({
    ...rest,
    nodeName: distribution ? nodeName : undefined,
    startDistribution: distribution
      ? () => {
          const { tlsFile, ...options } = distribution;
          return startDistribution({ ...options, tls: tlsFile ? loadDistTls(tlsFile) : undefined });
        }
      : undefined,
  });
  if (announce) {
    // Logged once the node is fully up (applications started, registered for distribution).
    const release = bootOptions.release ? `${bootOptions.release.name} ${bootOptions.release.version} ` : '';
    const where = cluster.isWorker ? `as cluster worker ${cluster.worker?.id ?? '?'} of pid ${process.ppid}` : `on ${nodeName}`;
    createLogger('').info(`${release}started ${where} (pid ${process.pid}, Node ${process.version})`);
    // From here on, however the node ends, its log says why and with which status.
    recordExits();
  }
  return { ...booted, nodeName };
}
