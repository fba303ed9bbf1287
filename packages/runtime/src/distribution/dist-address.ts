/**
 * The address distribution listens on: KVREL_DIST_ADDRESS (or the `kernel` application's
 * distAddress), as Erlang's inet_dist_use_interface for the node and ERL_EPMD_ADDRESS for epmd.
 * Unset, a node and the port mapper it starts listen on every interface (0.0.0.0), as Erlang's do,
 * so nodes of other hosts can reach them; 127.0.0.1 keeps a single-host deployment off the network.
 */
import net from 'node:net';
import { DistributionError } from './errors.js';

export const DIST_ADDRESS_ENV = 'KVREL_DIST_ADDRESS';
export const EVERY_INTERFACE = '0.0.0.0';

/** An IP address from the variable or the setting; undefined when unset or empty; throws DIST_BAD_ADDRESS. */
export function parseDistAddress(source: string, value: unknown): string | undefined {
  if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) return undefined;
  if (typeof value !== 'string' || net.isIP(value.trim()) === 0) throw new DistributionError({ code: 'DIST_BAD_ADDRESS', source, value });
  return value.trim();
}

/** KVREL_DIST_ADDRESS wins over kernel.distAddress; undefined when neither is set. */
export function distAddressFrom(env: NodeJS.ProcessEnv, setting: unknown): string | undefined {
  return parseDistAddress(DIST_ADDRESS_ENV, env[DIST_ADDRESS_ENV]) ?? parseDistAddress('kernel.distAddress', setting);
}

/**
 * Where the port mapper listens for `address`: there, and on 127.0.0.1 too unless it is a wildcard
 * (nodes register on 127.0.0.1; epmd likewise always adds loopback to ERL_EPMD_ADDRESS).
 */
export function portMapperAddresses(address: string): string[] {
  const covered = address === '0.0.0.0' || address === '::' || address === '127.0.0.1';
  return covered ? [address] : [address, '127.0.0.1'];
}
