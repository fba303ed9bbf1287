/**
 * Step "resolving Node": the base binary a release embeds: the pinned Node 24 LTS (fetched once into
 * the user's cache), or the release's `node` / --node. It decides how bin/<name> hands vm.args over: as
 * the executable's first argument `--node-options=` (SEA execArgvExtension "cli", Node 24.7+: any flag,
 * nothing leaks into child processes), or through NODE_OPTIONS on older Nodes (its allow-list applies).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { reusableResult, saveResult, stateKey } from '../bundle/build-state.js';
import { assertSeaSupport, ensureEmbeddedNode, inspectNodeBinary, resolveCacheDir, type NodeBinaryInfo } from '../sea/index.js';
import type { ReleaseStep } from '../release/run-steps.js';
import { UserError } from '../user-error.js';

export type VmArgsVia = 'cli' | 'env';

export interface BaseBinary {
  readonly path: string;
  readonly info: NodeBinaryInfo;
  readonly vmArgsVia: VmArgsVia;
  /** true: the pinned Node LTS from kvrel's cache. */
  readonly embedded: boolean;
}

export const resolveBaseBinaryStep: ReleaseStep = {
  title: 'resolving Node',
  run: async (release, reporter) => {
    if (release.node !== undefined && !existsSync(release.node)) {
      throw new UserError('KVREL_NODE_UNAVAILABLE', `release ${JSON.stringify(release.name)}: node binary ${release.node} does not exist; pass --node PATH to an existing Node 20+ binary`);
    }
    const path = release.node ?? (await ensureEmbeddedNode({ cacheDir: resolveCacheDir(), reporter }));
    // What the binary is (version, SEA support) is asked once per binary file, not at every build.
    const stateFile = join(release.workDir, 'base-binary.json');
    let info = reusableResult<NodeBinaryInfo>(stateFile, stateKey(path));
    if (!info) {
      info = await inspectNodeBinary(path);
      saveResult(stateFile, stateKey(path), [path], [], info);
    }
    assertSeaSupport(info);
    const baseBinary: BaseBinary = { path, info, vmArgsVia: info.supportsExecArgv ? 'cli' : 'env', embedded: release.node === undefined };
    return { ...release, baseBinary };
  },
  summary: ({ baseBinary }) => {
    if (!baseBinary) return undefined;
    const how = baseBinary.vmArgsVia === 'cli' ? 'vm.args as --node-options' : 'vm.args as NODE_OPTIONS';
    return `${baseBinary.info.version}${baseBinary.embedded ? ' (embedded LTS)' : ` from ${baseBinary.path}`}, ${how}`;
  },
};
