/**
 * The well-known ports of distribution and the environment variables that change them:
 * KVREL_PORT_MAPPER_PORT (the host's port mapper, default 4370: not epmd's 4369, so both can share
 * a host) and KVREL_DIST_PORT (pins this node's distribution port, for firewalled hosts).
 */
import { DistributionError } from './errors.js';

export const DEFAULT_PORT_MAPPER_PORT = 4370;
export const PORT_MAPPER_PORT_ENV = 'KVREL_PORT_MAPPER_PORT';
export const DIST_PORT_ENV = 'KVREL_DIST_PORT';

/** A port from an environment variable; undefined when unset or empty; throws DIST_BAD_PORT. */
export function parsePortVariable(variable: string, value: string | undefined): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const port = Number(value.trim());
  if (!/^\d+$/.test(value.trim()) || port > 65535) throw new DistributionError({ code: 'DIST_BAD_PORT', variable, value });
  return port;
}

/** KVREL_PORT_MAPPER_PORT, else 4370. Unlike a distribution port it cannot be 0: every node must find it. */
export function portMapperPortFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const port = parsePortVariable(PORT_MAPPER_PORT_ENV, env[PORT_MAPPER_PORT_ENV]) ?? DEFAULT_PORT_MAPPER_PORT;
  if (port === 0) throw new DistributionError({ code: 'DIST_BAD_PORT', variable: PORT_MAPPER_PORT_ENV, value: env[PORT_MAPPER_PORT_ENV] });
  return port;
}
