/**
 * RELEASE_DIST_TLS=<file>: distribution over TLS, configured as Erlang's ssl_dist_optfile is. The
 * file is JSON; paths are relative to the file's folder:
 *
 *   { "cert": "node.pem", "key": "node.key", "ca": "ca.pem", "verify": true }
 *
 * verify (default true) checks the peer's certificate against `ca` on both ends (mutual TLS): any
 * certificate the cluster's CA signed is accepted, whatever host it names (the cookie handshake
 * inside then proves the node's name). verify false only encrypts. Every problem with the file is
 * one DIST_BAD_TLS_CONFIG line naming the file, found when the node or client starts.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import tls from 'node:tls';
import { DistributionError } from './errors.js';

export const DIST_TLS_ENV = 'RELEASE_DIST_TLS';

export interface DistTls {
  /** The file it was read from, for messages. */
  readonly file: string;
  readonly cert: Buffer;
  readonly key: Buffer;
  readonly ca: Buffer | undefined;
  /** Check the peer's certificate (both directions). */
  readonly verify: boolean;
}

const KEYS = ['cert', 'key', 'ca', 'verify'];

/** The TLS settings named by RELEASE_DIST_TLS, or undefined when it is unset or empty. */
export function distTlsFromEnv(env: NodeJS.ProcessEnv = process.env): DistTls | undefined {
  const file = env[DIST_TLS_ENV];
  return file ? loadDistTls(file) : undefined;
}

/** Reads and checks the file (and that the key is the certificate's); throws DIST_BAD_TLS_CONFIG. */
export function loadDistTls(file: string): DistTls {
  const bad = (reason: string) => new DistributionError({ code: 'DIST_BAD_TLS_CONFIG', file, reason });
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw bad(code === 'ENOENT' ? 'no such file' : code ? `cannot be read (${code})` : 'is not valid JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw bad('must be a JSON object with cert, key and ca');
  const settings = parsed as Record<string, unknown>;
  const unknown = Object.keys(settings).find((key) => !KEYS.includes(key));
  if (unknown !== undefined) throw bad(`unknown setting ${JSON.stringify(unknown)} (known: ${KEYS.join(', ')})`);
  const verify = settings['verify'] ?? true;
  if (typeof verify !== 'boolean') throw bad('"verify" must be true or false');
  const read = (key: string, required: boolean): Buffer | undefined => {
    const path = settings[key];
    if (path === undefined && !required) return undefined;
    if (typeof path !== 'string' || path === '') throw bad(`"${key}" must name a file${key === 'ca' ? ' (required while "verify" is true)' : ''}`);
    try {
      return readFileSync(resolve(dirname(file), path));
    } catch (error) {
      throw bad(`"${key}" file ${path} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
    }
  };
  const options = { file, cert: read('cert', true)!, key: read('key', true)!, ca: read('ca', verify), verify };
  try {
    tls.createSecureContext({ cert: options.cert, key: options.key, ...(options.ca && { ca: options.ca }) });
  } catch (error) {
    throw bad(`cert, key or ca is not usable (${(error as Error).message.split('\n')[0]})`);
  }
  return options;
}
