/**
 * Runs the built executable once with the release's vm.args, so a flag that cannot be applied is
 * reported when the release is built rather than at its first start: a flag Node refuses fails the
 * build; a V8 flag that invalidates the embedded code cache (--stack-trace-limit, for one) is a
 * warning, since the node would then boot slower and print "Code cache data rejected".
 */
import { readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Release } from '../release/release.js';
import type { Reporter } from '../reporter.js';
import { PROBE_COMMAND } from '../release-node/probe.js';
import { UserError } from '../user-error.js';
import { resolveTemplate } from './templates.js';
import type { VmArgsVia } from './base-node.js';

/** vm.args as bin/<name> reads it: one option per line, trimmed, blank lines and # comments skipped. */
export function parseVmArgs(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}

export async function checkVmArgs(release: Release, vmArgsVia: VmArgsVia, reporter: Reporter): Promise<string[]> {
  const options = parseVmArgs(await readFile(join(release.versionPath, 'vm.args'), 'utf8'));
  if (options.length === 0) return options;
  const source = relative(release.root, resolveTemplate(release.root, 'vm.args.eex'));
  const executable = join(release.versionPath, release.name);
  try {
    const viaCli = vmArgsVia === 'cli';
    const { stderr } = await promisify(execFile)(executable, viaCli ? [`--node-options=${options.join(' ')}`, PROBE_COMMAND] : [PROBE_COMMAND], {
      env: { ...process.env, NODE_OPTIONS: viaCli ? '' : options.join(' '), RELEASE_ROOT: release.path },
      timeout: 30_000,
    });
    if (stderr.includes('Code cache data rejected')) {
      reporter.warn(`${source}: ${options.join(' ')} changes V8's code cache check, so ${release.name} will boot without its code cache (slower) and warn "Code cache data rejected"`);
    }
  } catch (error) {
    const stderr = String((error as { stderr?: unknown }).stderr ?? '').trim().split('\n')[0] ?? '';
    throw new UserError('KVREL_INVALID_RELEASE', `release ${JSON.stringify(release.name)}: ${source} holds an option Node refuses: ${stderr || (error as Error).message}`);
  }
  return options;
}
