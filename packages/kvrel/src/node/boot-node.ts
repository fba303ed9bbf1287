/**
 * Boots a node: the one path shared by `kvrel run` (from source) and a release's executable. It
 * resolves the node's name once, starts distribution with the cookie alongside the applications,
 * boots (configuration, applications per their modes) and logs "started on <node>" once fully up.
 */
import cluster from 'node:cluster';
import { createLogger, loadDistTls, recordExits, resolveNodeName, startDistribution, type DistributionMode } from '@kvrel/runtime/internal';
import { boot, type BootedNode, type BootOptions } from '@kvrel/runtime/internal';

/** How the node joins distribution: from `kvrel run --sname/--name/--cookie`, or a release's RELEASE_* env. */
export interface NodeDistribution {
  readonly mode: Exclude<DistributionMode, 'none'>;
  /** `foo` or `foo@host`. */
  readonly name: string;
  readonly cookie: string;
  readonly portMapperPort?: number;
  readonly distPort?: number | undefined;
  /** RELEASE_DIST_TLS / --dist-tls: the JSON file of TLS settings; links run over TLS. */
  readonly tlsFile?: string | undefined;
}

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

export const NO_NODE_NAME = 'nonode@nohost';

/** The full name a node with these settings has (`foo@host`); throws DIST_BAD_NAME for a bad one. */
export function nodeNameOf(distribution: NodeDistribution | undefined): string {
  if (!distribution) return NO_NODE_NAME;
  return resolveNodeName({ distribution: distribution.mode, node: distribution.name, releaseName: distribution.name })?.full ?? NO_NODE_NAME;
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
