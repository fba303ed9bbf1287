/**
 * Node names, `name@host`, as Erlang's -sname / -name give them (SPEC §5):
 * - `sname`: the host is this machine's short host name (first label of os.hostname());
 *   `foo` becomes `foo@myhost`; a dotted host (`foo@a.example`, `foo@127.0.0.1`) is refused.
 * - `name`: the host is given in full (`foo@127.0.0.1`, `foo@db1.example`); a bare `foo` is refused.
 * - `none`: no distribution; the node is `nonode@nohost`.
 * RELEASE_NODE defaults to the release name. Pure functions; the host name is injectable.
 */
import os from 'node:os';
import { DistributionError } from './errors.js';

export type DistributionMode = 'sname' | 'name' | 'none';
export const DISTRIBUTION_MODES: readonly DistributionMode[] = ['sname', 'name', 'none'];

export interface NodeName {
  readonly name: string;
  readonly host: string;
}

/** Longest `name@host` accepted, in UTF-8 bytes (it travels in one handshake frame). */
export const MAX_NODE_NAME_BYTES = 255;

const NAME_PART = /^[A-Za-z0-9_-]+$/;
const HOST_PART = /^[A-Za-z0-9_.-]+$/;

export function isDistributionMode(value: unknown): value is DistributionMode {
  return value === 'sname' || value === 'name' || value === 'none';
}

/** RELEASE_DISTRIBUTION → mode; unset or empty means `sname`, as in Mix. */
export function parseDistributionMode(value: string | undefined): DistributionMode {
  if (value === undefined || value === '') return 'sname';
  if (isDistributionMode(value)) return value;
  throw new DistributionError({ code: 'DIST_BAD_MODE', mode: value });
}

/** The first label of the host name (`db1.example.com` → `db1`), as -sname uses. */
export function shortHostName(hostname: string = os.hostname()): string {
  const first = hostname.split('.')[0] ?? '';
  return first === '' ? 'localhost' : first;
}

export function formatNodeName(node: NodeName): string {
  return `${node.name}@${node.host}`;
}

/** Any complete `name@host` (a call target, a name claimed in a handshake); throws DIST_BAD_NAME. */
export function splitNodeName(text: string): NodeName {
  const at = text.indexOf('@');
  if (at === -1) throw badName(text, 'expected "name@host"');
  const node = { name: text.slice(0, at), host: text.slice(at + 1) };
  validateNodeName(text, node);
  return node;
}

/** Reads `foo` or `foo@host` under a distribution mode; throws DIST_BAD_NAME naming the problem. */
export function parseNodeName(text: string, mode: 'sname' | 'name', hostname: string = os.hostname()): NodeName {
  const at = text.indexOf('@');
  if (at === -1) {
    if (mode === 'name') {
      throw badName(text, `RELEASE_DISTRIBUTION=name needs a host, as in ${JSON.stringify(`${text}@127.0.0.1`)}`);
    }
    const node = { name: text, host: shortHostName(hostname) };
    validateNodeName(text, node);
    return node;
  }
  const node = splitNodeName(text);
  if (mode === 'sname' && node.host.includes('.')) {
    throw badName(text, 'a short name (sname) cannot have a dotted host; use RELEASE_DISTRIBUTION=name for full host names');
  }
  return node;
}

export interface ResolveNodeNameOptions {
  /** RELEASE_DISTRIBUTION: sname (default), name or none. */
  readonly distribution?: DistributionMode | string | undefined;
  /** RELEASE_NODE: `foo` or `foo@host`; defaults to the release name. */
  readonly node?: string | undefined;
  readonly releaseName: string;
  readonly hostname?: string;
}

export interface ResolvedNodeName extends NodeName {
  readonly mode: 'sname' | 'name';
  /** `name@host` */
  readonly full: string;
}

/** SPEC §5: the node's full name, or undefined when distribution is `none`. */
export function resolveNodeName(options: ResolveNodeNameOptions): ResolvedNodeName | undefined {
  const mode = parseDistributionMode(options.distribution);
  if (mode === 'none') return undefined;
  const text = options.node === undefined || options.node === '' ? options.releaseName : options.node;
  const node = parseNodeName(text, mode, options.hostname);
  return { ...node, mode, full: formatNodeName(node) };
}

function validateNodeName(text: string, node: NodeName): void {
  if (node.name === '') throw badName(text, 'the part before "@" is empty');
  if (!NAME_PART.test(node.name)) throw badName(text, 'use letters, digits, "_" and "-" before "@"');
  if (node.host === '') throw badName(text, 'the host after "@" is empty');
  if (!HOST_PART.test(node.host)) throw badName(text, 'use letters, digits, ".", "_" and "-" in the host');
  if (Buffer.byteLength(formatNodeName(node)) > MAX_NODE_NAME_BYTES) throw badName(text, `it is longer than ${MAX_NODE_NAME_BYTES} bytes`);
}

function badName(name: string, reason: string): DistributionError {
  return new DistributionError({ code: 'DIST_BAD_NAME', name, reason });
}
