/**
 * Runs a release's built executable once with the hidden probe command: a blob from another Node
 * version can make an executable exit 0 silently, a vm.args flag Node refuses is better found at
 * build time than at the first start, and loading the node's code finds a misnamed application or an
 * addon that will not load. The one place kvrel runs a release's executable. Loading the code also
 * fills the release's compile cache, so its first boot is as fast as the next.
 */
import { basename } from 'node:path';
import { verifySea, type SmokeTestResult } from '../sea/index.js';
import { envWithoutNodeOptions } from '../process/run-process.js';
import { PROBE_COMMAND } from '../launcher/probe.js';
import { assemblyRoot, requireFact, type Release } from '../release/release.js';
import type { ProbeReport } from '../node/release-node-main.js';

export async function probeExecutable(release: Release, vmArgs: readonly string[]): Promise<ProbeReport & { result: SmokeTestResult }> {
  const executable = requireFact(release, 'executable', 'probe');
  const baseBinary = requireFact(release, 'baseBinary', 'probe');
  const viaCli = baseBinary.vmArgsVia === 'cli';
  const env = envWithoutNodeOptions();
  const result = await verifySea(executable.path, viaCli ? [`--node-options=${vmArgs.join(' ')}`, PROBE_COMMAND] : [PROBE_COMMAND], {
    // An emulated target (qemu-user) runs ~5-20x slower.
    timeoutMs: baseBinary.runs === 'emulated' ? 300_000 : 30_000,
    stdout: new RegExp(`"name":${JSON.stringify(JSON.stringify(release.name)).slice(1, -1)}`),
    env: {
      ...env,
      ...(viaCli || vmArgs.length === 0 ? {} : { NODE_OPTIONS: vmArgs.join(' ') }),
      // The release as assembled, before it is published.
      RELEASE_ROOT: assemblyRoot(release),
      RELEASE_VSN: basename(release.versionPath),
      RELEASE_NAME: release.name,
      RELEASE_TMP: `${release.workDir}/probe-tmp`,
      RELEASE_DISTRIBUTION: 'none',
    },
  });
  const line = [...result.stdout.trim().split('\n')].reverse().find((l) => l.startsWith('{')) ?? '{}';
  return { ...(JSON.parse(line) as ProbeReport), result };
}
