/**
 * releases/<vsn>/manifest.json: what the release's executable learns about its release (name, version,
 * env, start modes, how vm.args reach it). Written beside the executable by the write-manifest step and
 * read from there by the launcher at every command (release-context.ts).
 */
import type { StartMode } from '@kvrel/runtime/internal';
import type { VmArgsVia } from '../steps/resolve-base-binary.js';
import { requireFact, type Release } from './release.js';

export interface ReleaseManifest {
  readonly name: string;
  readonly version: string;
  readonly env: string;
  readonly modes: Readonly<Record<string, StartMode>>;
  /** How bin/<name> passes vm.args: `--node-options=` as the first argument, or NODE_OPTIONS. */
  readonly vmArgsVia: VmArgsVia;
  /** Native addons under releases/<vsn>/lib, loaded once by the build's probe. */
  readonly addons?: readonly string[];
}

export function releaseManifest(release: Release): ReleaseManifest {
  return {
    vmArgsVia: requireFact(release, 'baseBinary', 'manifest').vmArgsVia,
    name: release.name,
    version: release.version,
    env: release.env,
    modes: Object.fromEntries(release.applications.map((a) => [a.name, a.mode])),
    addons: release.addons ?? [],
  };
}
