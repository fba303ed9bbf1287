/**
 * Runs a release's built executable once with the hidden probe command: a blob from another Node
 * version can make an executable exit 0 silently, and a vm.args flag Node refuses is better found at
 * build time than at the first start. The one place kvrel runs a release's executable.
 */
import { verifySea, type SmokeTestResult } from '../sea/index.js';
import { PROBE_COMMAND } from '../launcher/probe.js';
import { requireFact, type Release } from '../release/release.js';

export interface ProbeReport {
  readonly name: string;
  readonly version: string;
  readonly node: string;
  readonly execArgv: readonly string[];
}

export async function probeExecutable(release: Release, vmArgs: readonly string[]): Promise<ProbeReport & { result: SmokeTestResult }> {
  const executable = requireFact(release, 'executable', 'probe');
  const viaCli = requireFact(release, 'baseBinary', 'probe').vmArgsVia === 'cli';
  const { NODE_OPTIONS: _ignored, ...env } = process.env;
  const result = await verifySea(executable.path, viaCli ? [`--node-options=${vmArgs.join(' ')}`, PROBE_COMMAND] : [PROBE_COMMAND], {
    stdout: new RegExp(`"name":${JSON.stringify(JSON.stringify(release.name)).slice(1, -1)}`),
    env: { ...env, ...(viaCli || vmArgs.length === 0 ? {} : { NODE_OPTIONS: vmArgs.join(' ') }), RELEASE_ROOT: release.path },
  });
  return { ...(JSON.parse(result.stdout.trim()) as ProbeReport), result };
}
