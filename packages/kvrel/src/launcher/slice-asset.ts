/**
 * The node's code travels inside the release's executable as a SEA asset and is served, when a node
 * boots, as the ES module at releases/<vsn>/lib/node.mjs (a URL with no file behind it): import.meta.url
 * stays in lib/, so everything the bundle finds relative to itself (bundle/module-location.ts) is where
 * it was, and V8's compile cache and source maps (inline in the asset) work as for a file. Client
 * commands never call this, so they never read or evaluate the applications' code.
 */
import * as nodeModule from 'node:module';
import { NODE_BUNDLE_ASSET } from '../shared/layout.js';

interface ResolveResult {
  url: string;
  shortCircuit?: boolean;
}
interface LoadResult {
  format: string;
  source: string;
  shortCircuit?: boolean;
}
interface SyncHooks {
  resolve(specifier: string, context: unknown, next: (specifier: string, context: unknown) => ResolveResult): ResolveResult;
  load(url: string, context: unknown, next: (url: string, context: unknown) => LoadResult): LoadResult;
}
type RegisterHooks = (hooks: SyncHooks) => { deregister(): void };

/**
 * Makes `url` import the executable's asset; false when this executable carries no asset (built on a
 * Node without module hooks: the file is then on disk at `url`).
 */
export function serveSliceFromExecutable(url: string): boolean {
  const registerHooks = (nodeModule as { registerHooks?: RegisterHooks }).registerHooks;
  if (!registerHooks) return false;
  const source = sliceAsset();
  if (source === undefined) return false;
  // Once loaded, the module is in the loader's map by its URL: the hooks come off, so the requires and
  // imports of the node's boot do not pass through them.
  const hooks = registerHooks({
    resolve: (specifier, context, next) => (specifier === url ? { url, shortCircuit: true } : next(specifier, context)),
    load: (loaded, context, next) => {
      if (loaded !== url) return next(loaded, context);
      hooks.deregister();
      return { format: 'module', source, shortCircuit: true };
    },
  });
  return true;
}

function sliceAsset(): string | undefined {
  const sea = (process as { getBuiltinModule?: (id: string) => unknown }).getBuiltinModule?.('node:sea') as
    | { isSea(): boolean; getAsset(key: string, encoding: string): string }
    | undefined;
  if (!sea?.isSea()) return undefined;
  try {
    return sea.getAsset(NODE_BUNDLE_ASSET, 'utf8');
  } catch {
    return undefined; // ERR_SINGLE_EXECUTABLE_APPLICATION_ASSET_NOT_FOUND
  }
}
