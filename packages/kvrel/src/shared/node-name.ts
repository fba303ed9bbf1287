/**
 * A node's name and distribution settings, from `kvrel run`'s flags or the RELEASE_* environment
 * bin/<name> exports: the node boots with them, the client commands reach it by them.
 */
import { DIST_TLS_ENV, distributionOptionsFromEnv, resolveNodeName, type DistributionMode } from '@kvrel/runtime/internal';
import { UserError } from './user-error.js';

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

export function releaseName(env: NodeJS.ProcessEnv): string {
  return env['RELEASE_NAME'] ?? 'nonode';
}

/** The running node's full name (`foo@host`), as start would have chosen it. */
export function runningNodeName(env: NodeJS.ProcessEnv = process.env): string {
  const options = distributionOptionsFromEnv(env, releaseName(env));
  return options.mode === 'none' ? nodeNameOf(undefined) : nodeNameOf({ ...options, mode: options.mode, cookie: '' });
}

export function releaseCookie(env: NodeJS.ProcessEnv): string {
  const value = env['RELEASE_COOKIE'];
  if (!value) throw new UserError('KVREL_EMPTY_COOKIE', 'RELEASE_COOKIE is empty; set it in env.sh or the environment, or restore releases/COOKIE');
  return value;
}

/** RELEASE_DISTRIBUTION, RELEASE_NODE (default the release name), the cookie and ports; undefined for `none`. */
export function distributionFromEnv(name: string, env: NodeJS.ProcessEnv = process.env): NodeDistribution | undefined {
  const options = distributionOptionsFromEnv(env, name);
  if (options.mode === 'none') return undefined;
  return { ...options, mode: options.mode, cookie: releaseCookie(env), tlsFile: env[DIST_TLS_ENV] || undefined };
}
