/**
 * Step "probing the executable": runs the built executable once, with the release's vm.args, on the
 * hidden probe command. A blob from another Node can make an executable exit 0 silently; a vm.args flag
 * Node refuses is better found now than at the first start (one line naming vm.args and the flag); a
 * flag that invalidates the code cache (--stack-trace-limit, for one) is a warning, since the node
 * would boot slower and print "Code cache data rejected"; and loading the node's code finds a misnamed
 * application or an addon that will not load. The one place kvrel runs a release's executable.
 * Loading the code also fills the release's compile cache, so its first boot is as fast as the next.
 * A release for a target this machine cannot run (no emulator) is not probed, and the build says so.
 */
import { readFile } from 'node:fs/promises';
import { basename, join, relative } from 'node:path';
import { verifySea, type SmokeTestResult } from '../sea/index.js';
import { envWithoutNodeOptions, type ProcessResult } from '../process/run-process.js';
import { reusableResult, saveResult, stateKey } from '../bundle/build-state.js';
import { assemblyRoot, requireFact, type Release } from '../release/release.js';
import type { ReleaseStep } from '../release/run-steps.js';
import type { Reporter } from '../reporter.js';
import { resolveTemplate } from '../template/template-files.js';
import { releaseManifest } from './write-manifest.js';
import { PROBE_COMMAND, type ProbeReport } from '../../shared/probe-report.js';
import { UserError } from '../../shared/user-error.js';

const TITLE = 'probing the executable';

/** What a probe found, kept in the scratch folder while the executable, code, manifest and vm.args stay the same. */
interface ProbeOutcome {
  readonly report: ProbeReport;
  readonly vmArgs: readonly string[];
  readonly codeCacheRejected: boolean;
}

/** vm.args as bin/<name> reads it: one option per line, trimmed, blank lines and # comments skipped. */
export function parseVmArgs(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}

export const probeExecutableStep: ReleaseStep = {
  title: TITLE,
  run: async (release, reporter) => {
    const baseBinary = requireFact(release, 'baseBinary', TITLE);
    if (baseBinary.runs === 'no') {
      reporter.warn(
        `not probing the executable (nor vm.args): ${baseBinary.target} binaries cannot run on this machine; its first start on ${baseBinary.target} ` +
          `is its first run`,
      );
      return { ...release, vmArgs: parseVmArgs(await readFile(join(release.versionPath, 'vm.args'), 'utf8')) };
    }
    const { report, vmArgs } = await probeRelease(release, reporter);
    if (report.misnamed.length > 0) {
      const { packageName, specName } = report.misnamed[0]!;
      throw new UserError(
        'KVREL_INVALID_APPLICATION',
        `release ${JSON.stringify(release.name)}: package ${JSON.stringify(packageName)} default-exports an application named ` +
          `${JSON.stringify(specName)}; an application's name must be its package name, so set name: ${JSON.stringify(packageName)}`,
      );
    }
    if (report.addonFailures.length > 0) {
      const { file, reason } = report.addonFailures[0]!;
      throw new UserError('KVREL_NATIVE_ADDON', `release ${JSON.stringify(release.name)}: the executable cannot load native addon ${file}: ${reason}`);
    }
    return { ...release, vmArgs };
  },
  summary: ({ vmArgs }) => `vm.args: ${vmArgs && vmArgs.length > 0 ? vmArgs.join(' ') : 'none'}`,
};

/** Probes the release with its vm.args (or reuses the last answer); refuses a flag Node refuses, warns of a rejected code cache. */
export async function probeRelease(release: Release, reporter: Reporter): Promise<ProbeOutcome> {
  const executable = requireFact(release, 'executable', TITLE);
  const vmArgs = parseVmArgs(await readFile(join(release.versionPath, 'vm.args'), 'utf8'));
  const vmArgsFile = relative(release.root, resolveTemplate(release.root, 'vm.args.eex'));
  const stateFile = join(release.workDir, 'probe-state.json');
  const key = stateKey(executable.key, releaseManifest(release), vmArgs);
  const unchanged = executable.reused && release.nodeBundle?.reused === true;
  let outcome = unchanged ? reusableResult<ProbeOutcome>(stateFile, key) : undefined;
  if (!outcome) {
    outcome = await probeWith(release, vmArgs, vmArgsFile);
    saveResult(stateFile, key, [], [], outcome);
  }
  if (outcome.codeCacheRejected) {
    reporter.warn(
      `${vmArgsFile}: ${vmArgs.join(' ')} changes V8's code cache check, so ${release.name} will boot without its code cache (slower) and warn "Code ` +
        `cache data rejected"`,
    );
  }
  return outcome;
}

async function probeWith(release: Release, vmArgs: readonly string[], vmArgsFile: string): Promise<ProbeOutcome> {
  try {
    const { report, result } = await runProbe(release, vmArgs);
    return { report, vmArgs, codeCacheRejected: vmArgs.length > 0 && result.stderr.includes('Code cache data rejected') };
  } catch (error) {
    if (vmArgs.length === 0) throw error;
    // The executable answers without vm.args: one of its flags is what Node refused.
    await runProbe(release, []);
    const failed = (error as { cause?: ProcessResult }).cause;
    const line = failed?.stderr.trim().split('\n')[0] ?? (error as Error).message;
    throw new UserError('KVREL_INVALID_RELEASE', `release ${JSON.stringify(release.name)}: ${vmArgsFile} holds an option Node refuses: ${line}`);
  }
}

async function runProbe(release: Release, vmArgs: readonly string[]): Promise<{ report: ProbeReport; result: SmokeTestResult }> {
  const executable = requireFact(release, 'executable', TITLE);
  const baseBinary = requireFact(release, 'baseBinary', TITLE);
  const viaCli = baseBinary.vmArgsVia === 'cli';
  const result = await verifySea(executable.path, viaCli ? [`--node-options=${vmArgs.join(' ')}`, PROBE_COMMAND] : [PROBE_COMMAND], {
    // An emulated target (qemu-user) runs ~5-20x slower.
    timeoutMs: baseBinary.runs === 'emulated' ? 300_000 : 30_000,
    stdout: new RegExp(`"name":${JSON.stringify(JSON.stringify(release.name)).slice(1, -1)}`),
    env: {
      ...envWithoutNodeOptions(),
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
  return { report: JSON.parse(line) as ProbeReport, result };
}
