/**
 * A node's full name from its distribution settings: shared by the node that boots with them and the
 * client commands that reach it, so it lives apart from the node's boot (which the launcher never loads).
 */
import { resolveNodeName, type DistributionMode } from '@kvrel/runtime/internal';

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

export const NO_NODE_NAME = 'nonode@nohost';

/** The full name a node with these settings has (`foo@host`); throws DIST_BAD_NAME for a bad one. */
export function nodeNameOf(distribution: NodeDistribution | undefined): string {
  if (!distribution) return NO_NODE_NAME;
  return resolveNodeName({ distribution: distribution.mode, node: distribution.name, releaseName: distribution.name })?.full ?? NO_NODE_NAME;
}
