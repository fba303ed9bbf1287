/**
 * Validates releases.config.ts at the boundary, esbuild-style: each key is checked, unknown keys are
 * refused by name, and every message names the release and the field.
 */
import { isStartMode, START_MODES } from '@kvrel/runtime/internal';
import { UserError } from '../../shared/user-error.js';
import { describeNodeLines, isNodeLine } from '../sea/embedded-node.js';
import type { ReleaseDefinition, ReleasesConfig } from './define-releases.js';
import { checkTarget } from './check-target.js';

const KNOWN_KEYS = new Set(['version', 'applications', 'node', 'target', 'path', 'cookie', 'overlays', 'external', 'keepOldVersions']);
const RELEASE_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;

export function validateReleases(value: unknown, knownApplications: readonly string[]): ReleasesConfig {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw invalid(`releases.config.ts must default-export defineReleases({ name: { version, applications } }), got ${describe(value)}`);
  }
  const releases = value as Record<string, unknown>;
  if (Object.keys(releases).length === 0)
    throw invalid("releases.config.ts defines no release; add one, e.g. foo: { version: '0.1.0', applications: { kv: 'permanent' } }");
  for (const [name, definition] of Object.entries(releases)) validateRelease(name, definition, knownApplications);
  return releases as ReleasesConfig;
}

function validateRelease(name: string, definition: unknown, known: readonly string[]): asserts definition is ReleaseDefinition {
  if (!RELEASE_NAME.test(name)) {
    throw invalid(`release name ${JSON.stringify(name)} is not a valid file name; use letters, digits, "-" and "_"`);
  }
  const r = `release ${JSON.stringify(name)}`;
  if (definition === null || typeof definition !== 'object' || Array.isArray(definition)) {
    throw invalid(`${r} must be an object { version, applications }, got ${describe(definition)}`);
  }
  const d = definition as Record<string, unknown>;
  for (const key of Object.keys(d)) {
    if (!KNOWN_KEYS.has(key)) throw invalid(`Invalid option in ${r}: ${JSON.stringify(key)} (known: ${[...KNOWN_KEYS].join(', ')})`);
  }
  if (d['version'] === undefined) throw invalid(`${r}: version is missing; add version: '0.1.0'`);
  if (typeof d['version'] !== 'string' || !/^[0-9A-Za-z][0-9A-Za-z.+_-]*$/.test(d['version'])) {
    throw invalid(`${r}: version must be a string such as '0.1.0' (letters, digits, ".", "-", "+", "_"), got ${describe(d['version'])}`);
  }
  const apps = d['applications'];
  if (apps === undefined) throw invalid(`${r}: applications is missing; add applications: { ${JSON.stringify(known[0] ?? 'kv')}: 'permanent' }`);
  if (apps === null || typeof apps !== 'object' || Array.isArray(apps) || Object.keys(apps).length === 0) {
    throw invalid(`${r}: applications must be a non-empty object { app: mode }, got ${describe(apps)}`);
  }
  for (const [app, mode] of Object.entries(apps)) {
    if (!known.includes(app)) {
      throw new UserError(
        'KVREL_UNKNOWN_APPLICATION',
        `${r}: application ${JSON.stringify(app)} is not in this workspace (known: ${known.map((k) => JSON.stringify(k)).join(', ')})`,
      );
    }
    if (!isStartMode(mode)) {
      throw invalid(`${r}: mode ${describe(mode)} for ${JSON.stringify(app)} must be one of ${START_MODES.join(', ')}`);
    }
  }
  for (const key of ['path', 'cookie'] as const) {
    if (d[key] !== undefined && (typeof d[key] !== 'string' || d[key] === ''))
      throw invalid(`${r}: ${key} must be a non-empty string, got ${describe(d[key])}`);
  }
  const node = d['node'];
  if (node !== undefined && (typeof node !== 'string' || node === '')) {
    throw invalid(`${r}: node must be a pinned Node line (${describeNodeLines()}) or the path of a Node binary, got ${describe(node)}`);
  }
  if (typeof node === 'string' && /^\d+$/.test(node) && !isNodeLine(node)) {
    throw invalid(
      `${r}: node ${JSON.stringify(node)} is not a Node line kvrel pins; use ${describeNodeLines()}, or the path of a Node binary such as process.execPath`,
    );
  }
  if (d['target'] !== undefined) checkTarget(d['target'], r);
  for (const key of ['overlays', 'external'] as const) {
    const list = d[key];
    if (list !== undefined && (!Array.isArray(list) || list.some((item) => typeof item !== 'string' || item === ''))) {
      throw invalid(
        `${r}: ${key} must be a list of non-empty strings, e.g. ${key}: [${key === 'overlays' ? "'rel/extra'" : "'sharp'"}], got ${describe(list)}`,
      );
    }
  }
  if (d['keepOldVersions'] !== undefined && typeof d['keepOldVersions'] !== 'boolean') {
    throw invalid(`${r}: keepOldVersions must be true or false, got ${describe(d['keepOldVersions'])}`);
  }
}

function invalid(message: string): UserError {
  return new UserError('KVREL_INVALID_RELEASE', message);
}

function describe(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'function') return 'a function';
  return JSON.stringify(value) ?? String(value);
}
