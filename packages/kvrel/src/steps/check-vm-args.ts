/**
 * Step "checking vm.args": runs the built executable with the release's vm.args, so a flag that cannot
 * be applied is reported when the release is built rather than at its first start: a flag Node refuses
 * fails the build; a V8 flag that invalidates the embedded code cache (--stack-trace-limit, for one) is
 * a warning, since the node would then boot slower and print "Code cache data rejected".
 */
import { readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { Release } from '../release/release.js';
import type { ReleaseStep } from '../release/run-steps.js';
import type { Reporter } from '../reporter.js';
import type { ProcessResult } from '../process/run-process.js';
import { UserError } from '../user-error.js';
import { resolveTemplate } from '../template/template-files.js';
import { probeExecutable } from './probe-executable.js';

/** vm.args as bin/<name> reads it: one option per line, trimmed, blank lines and # comments skipped. */
export function parseVmArgs(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}

export const checkVmArgsStep: ReleaseStep = {
  title: 'checking vm.args',
  run: async (release, reporter) => ({ ...release, vmArgs: await checkVmArgs(release, reporter) }),
  summary: ({ vmArgs }) => (vmArgs && vmArgs.length > 0 ? vmArgs.join(' ') : 'none'),
};

export async function checkVmArgs(release: Release, reporter: Reporter): Promise<string[]> {
  const options = parseVmArgs(await readFile(join(release.versionPath, 'vm.args'), 'utf8'));
  if (options.length === 0) return options;
  if (release.baseBinary?.runs === 'no') {
    reporter.warn(`  vm.args not checked: ${release.target} binaries cannot run on this machine`);
    return options;
  }
  const source = relative(release.root, resolveTemplate(release.root, 'vm.args.eex'));
  let stderr: string;
  try {
    stderr = (await probeExecutable(release, options)).result.stderr;
  } catch (error) {
    const failed = (error as { cause?: ProcessResult }).cause;
    const line = failed?.stderr.trim().split('\n')[0] ?? (error as Error).message;
    throw new UserError('KVREL_INVALID_RELEASE', `release ${JSON.stringify(release.name)}: ${source} holds an option Node refuses: ${line}`);
  }
  if (stderr.includes('Code cache data rejected')) {
    reporter.warn(`${source}: ${options.join(' ')} changes V8's code cache check, so ${release.name} will boot without its code cache (slower) and warn "Code cache data rejected"`);
  }
  return options;
}
