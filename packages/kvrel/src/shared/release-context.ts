/**
 * Where a running release lives and what it is, read from the environment bin/<name> exported
 * (RELEASE_ROOT, RELEASE_VSN, ...) with fallbacks from the executable's own path, so the executable
 * also works when run directly.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { LIB_DIR, MANIFEST_FILE } from './layout.js';
import type { ReleaseManifest } from './manifest.js';

export type { ReleaseManifest };

export interface ReleaseContext {
  readonly manifest: ReleaseManifest;
  readonly root: string;
  readonly versionPath: string;
  readonly tmp: string;
}

/** Reads releases/<vsn>/manifest.json: the executable is the same for every release, the manifest is not. */
export function loadReleaseContext(env: NodeJS.ProcessEnv = process.env): ReleaseContext {
  // The executable is <root>/releases/<vsn>/<name>.
  const ownDir = dirname(process.execPath);
  const root = env['RELEASE_ROOT'] || dirname(dirname(ownDir));
  const versionPath = env['RELEASE_VSN'] ? join(root, 'releases', env['RELEASE_VSN']) : ownDir;
  const manifest = JSON.parse(readFileSync(join(versionPath, MANIFEST_FILE), 'utf8')) as ReleaseManifest;
  return { manifest, root, versionPath, tmp: env['RELEASE_TMP'] || join(root, 'tmp') };
}

/** releases/<vsn>/lib: where the node's code is (node.mjs, served from the executable), the packages kept on disk, worker files, addons. */
export function libDir(context: ReleaseContext): string {
  return join(context.versionPath, LIB_DIR);
}
