/**
 * Step "resolving Node": the base binary a release embeds: a pinned Node (fetched once into the user's
 * cache): the Node 26 LTS by default, the Node 24 line for `node: '24'` / --node 24; or the binary the
 * release's `node` / --node names by its path. It decides how bin/<name> hands vm.args over: as
 * the executable's first argument `--node-options=` (SEA execArgvExtension "cli", Node 24.7+: any flag;
 * only the node's own forks and cluster workers inherit them), or through NODE_OPTIONS on older Nodes
 * (its allow-list applies, every child inherits them).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { reusableResult, saveResult, stateKey } from '../bundle/build-state.js';
import { assertSeaSupport, ensureEmbeddedNode, inspectNodeBinary, resolveCacheDir, type NodeBinaryInfo } from '../sea/index.js';
import { describeNodeLines, isNodeLine, pinnedNode, type EmbeddedNodeRuntime } from '../sea/embedded-node.js';
import type { ReleaseStep } from '../release/run-steps.js';
import type { BaseBinary } from '../sea/base-binary.js';
import { UserError } from '../../shared/user-error.js';

export const resolveBaseBinaryStep: ReleaseStep = {
  title: 'resolving Node',
  run: async (release, reporter) => {
    const runtime = pinnedRuntimeOf(release.name, release.nodeRequested);
    if (!runtime && release.nodeRequested !== undefined && !existsSync(release.nodeRequested)) {
      throw new UserError('KVREL_NODE_UNAVAILABLE', `release ${JSON.stringify(release.name)}: node binary ${release.nodeRequested} does not exist; pass --node PATH to an existing Node 20+ binary, or a pinned line: ${describeNodeLines()}`);
    }
    const path = runtime ? await ensureEmbeddedNode({ cacheDir: resolveCacheDir(), reporter, runtime }) : release.nodeRequested!;
    // What the binary is (version, SEA support) is asked once per binary file, not at every build.
    const stateFile = join(release.workDir, 'base-binary.json');
    let info = reusableResult<NodeBinaryInfo>(stateFile, stateKey(path));
    if (!info) {
      info = await inspectNodeBinary(path);
      saveResult(stateFile, stateKey(path), [path], [], info);
    }
    assertSeaSupport(info);
    const baseBinary: BaseBinary = { path, info, vmArgsVia: info.supportsExecArgv ? 'cli' : 'env', embedded: runtime !== undefined, ...(runtime ? { runtime } : {}) };
    return { ...release, baseBinary };
  },
  summary: ({ baseBinary }) => {
    if (!baseBinary) return undefined;
    const how = baseBinary.vmArgsVia === 'cli' ? 'vm.args as --node-options' : 'vm.args as NODE_OPTIONS';
    return `${baseBinary.info.version}${baseBinary.embedded ? ' (embedded)' : ` from ${baseBinary.path}`}, ${how}`;
  },
};

/**
 * The pinned runtime a release's `node` (definition or --node) selects: undefined → the default line
 * (Node 26), '24'/'26' → that line, anything else is a path (undefined here). A bare number kvrel does
 * not pin is refused rather than looked up as a file named "22".
 */
export function pinnedRuntimeOf(releaseName: string, node: string | undefined): EmbeddedNodeRuntime | undefined {
  if (node === undefined) return pinnedNode();
  if (isNodeLine(node)) return pinnedNode(node);
  if (/^\d+$/.test(node)) {
    throw new UserError('KVREL_NODE_UNAVAILABLE', `release ${JSON.stringify(releaseName)}: kvrel pins no Node ${node} line; use ${describeNodeLines()}, or a path to a Node binary`);
  }
  return undefined;
}
