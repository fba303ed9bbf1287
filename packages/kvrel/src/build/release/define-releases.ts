/**
 * What a user writes in releases.config.ts. `defineReleases` is an identity helper for completion.
 */
import type { StartMode } from '@kvrel/runtime/internal';

export interface ReleaseDefinition {
  /** The release's version, e.g. '0.1.0'. Required. */
  version: string;
  /** The applications to include and how each starts; their dependencies join as permanent. */
  applications: Record<string, StartMode>;
  /** The Node the release embeds: '26' (the default, the pinned Node 26 LTS), '24' (the pinned Node 24 line), or a binary's path, e.g. process.execPath. */
  node?: string;
  /** The platform the release runs on: 'linux-x64' or 'linux-arm64'; default the machine's that builds it. */
  target?: 'linux-x64' | 'linux-arm64';
  /** Output folder; default `_build/<env>/rel/<name>`. */
  path?: string;
  /** A fixed distribution cookie; default a random one written once to releases/COOKIE. */
  cookie?: string;
  /** Folders (from the project root) copied into the release root, after rel/overlays/. */
  overlays?: string[];
  /**
   * npm packages to keep as files in the release instead of bundling them, with their dependencies.
   * Rarely needed: packages with native addons or that read files beside their code are found.
   */
  external?: string[];
  /** Keep releases/<older versions> in the release folder (default false: only the version built). */
  keepOldVersions?: boolean;
}

export type ReleasesConfig = Record<string, ReleaseDefinition>;

export function defineReleases<const T extends ReleasesConfig>(releases: T): T {
  return releases;
}
