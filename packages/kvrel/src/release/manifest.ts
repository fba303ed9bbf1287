/**
 * releases/<vsn>/manifest.json: what the release's executable knows about itself (name, version, env,
 * start modes, how vm.args reach it). Built here, written by the write-manifest step, embedded in the
 * executable by the bundle step and read by the launcher.
 */
import type { StartMode } from '@kvrel/runtime/internal';
import type { VmArgsVia } from '../steps/resolve-base-binary.js';
import { requireFact, type Release } from './release.js';
import type { Target } from '../sea/targets.js';

export interface ReleaseManifest {
  readonly name: string;
  readonly version: string;
  readonly env: string;
  /** The platform the executable was built for: linux-x64, linux-arm64. */
  readonly target: Target;
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
    target: release.target,
    modes: Object.fromEntries(release.applications.map((a) => [a.name, a.mode])),
    addons: release.addons ?? [],
  };
}
