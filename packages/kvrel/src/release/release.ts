/** A release as the build steps get it: validated, resolved, readonly (Mix's %Mix.Release{}). */
import type { StartMode } from '@kvrel/runtime/internal';
import type { WorkspaceApplication } from '../config/workspace.js';

export interface ReleaseApplication extends WorkspaceApplication {
  readonly mode: StartMode;
}

export interface Release {
  readonly name: string;
  readonly version: string;
  /** Build env (prod unless told otherwise). */
  readonly env: string;
  readonly root: string;
  /** The release folder, e.g. <root>/_build/prod/rel/foo. */
  readonly path: string;
  /** <path>/releases/<version>. */
  readonly versionPath: string;
  /** Dependencies first. */
  readonly applications: readonly ReleaseApplication[];
  /** Base Node binary to embed; undefined: the pinned Node 24 LTS. */
  readonly node: string | undefined;
  readonly cookie: string | undefined;
  readonly tar: boolean;
}
