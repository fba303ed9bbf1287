import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';

/**
 * kvrel's per-user cache: `KVREL_CACHE_DIR` (tests), else `$XDG_CACHE_HOME/kvrel`, else `~/.cache/kvrel`.
 * A relative XDG_CACHE_HOME is ignored, as the XDG base directory spec requires.
 */
export function resolveCacheDir(env: NodeJS.ProcessEnv = process.env, home: string = homedir()): string {
  const override = env.KVREL_CACHE_DIR;
  if (override) return resolve(override);
  const xdg = env.XDG_CACHE_HOME;
  if (xdg && isAbsolute(xdg)) return join(xdg, 'kvrel');
  return join(home, '.cache', 'kvrel');
}
