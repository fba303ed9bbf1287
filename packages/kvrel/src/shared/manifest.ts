/**
 * releases/<vsn>/manifest.json: what the release's executable knows about itself (name, version, env,
 * start modes, how vm.args reach it). Written by the build's write-manifest step, read by the launcher.
 */
import type { StartMode } from '@kvrel/runtime/internal';

/** How bin/<name> passes vm.args: `--node-options=` as the executable's first argument, or NODE_OPTIONS. */
export type VmArgsVia = 'cli' | 'env';

export interface ReleaseManifest {
  readonly name: string;
  readonly version: string;
  readonly env: string;
  /** The platform the executable was built for: linux-x64, linux-arm64 (build/sea/targets.ts). */
  readonly target: string;
  readonly modes: Readonly<Record<string, StartMode>>;
  readonly vmArgsVia: VmArgsVia;
  /** Native addons under releases/<vsn>/lib, loaded once by the build's probe. */
  readonly addons?: readonly string[];
}
