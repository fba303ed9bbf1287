/**
 * Where a running release lives and what it is, read from the environment bin/<name> exported
 * (RELEASE_ROOT, RELEASE_VSN, ...) with fallbacks from the executable's own path, so the executable
 * also works when run directly.
 */
import { dirname, join } from 'node:path';
import type { ReleaseManifest } from '../release/manifest.js';

export type { ReleaseManifest };


export interface ReleaseContext {
  readonly manifest: ReleaseManifest;
  readonly root: string;
  readonly versionPath: string;
  readonly tmp: string;
}

export function releaseContext(manifest: ReleaseManifest, env: NodeJS.ProcessEnv = process.env): ReleaseContext {
  // The executable is <root>/releases/<vsn>/<name>.
  const versionPath = dirname(process.execPath);
  const root = env['RELEASE_ROOT'] || dirname(dirname(versionPath));
  return {
    manifest,
    root,
    versionPath: env['RELEASE_VSN'] ? join(root, 'releases', env['RELEASE_VSN']) : versionPath,
    tmp: env['RELEASE_TMP'] || join(root, 'tmp'),
  };
}
