/**
 * The Node binary a release embeds: the pinned Node 24 LTS (fetched once into the user's cache), or
 * the release's `node` / --node. It decides how bin/<name> hands vm.args over: as the executable's
 * first argument `--node-options=` (SEA execArgvExtension "cli", Node 24.7+: any flag, nothing leaks
 * into child processes), or through NODE_OPTIONS on older Nodes (its allow-list applies).
 */
import { assertSeaSupport, ensureEmbeddedNode, inspectNodeBinary, resolveCacheDir, type NodeBinaryInfo } from '../sea/index.js';
import type { Reporter } from '../reporter.js';
import type { Release } from '../release/release.js';

export type VmArgsVia = 'cli' | 'env';

export interface BaseNode {
  readonly path: string;
  readonly info: NodeBinaryInfo;
  readonly vmArgsVia: VmArgsVia;
  readonly embedded: boolean;
}

export async function resolveBaseNode(release: Release, reporter: Reporter): Promise<BaseNode> {
  const path = release.node ?? (await ensureEmbeddedNode({ cacheDir: resolveCacheDir(), reporter }));
  const info = await inspectNodeBinary(path);
  assertSeaSupport(info);
  return { path, info, vmArgsVia: info.supportsExecArgv ? 'cli' : 'env', embedded: release.node === undefined };
}
