/**
 * `kvrel release [NAME]`: assembles a release into _build/<env>/rel/<name> (Mix's `mix release`):
 * configuration, a bundle of only its applications, a single executable on the embedded Node,
 * env.sh / vm.args / remote.vm.args, bin/<name>, the cookie, and optionally a tarball.
 */
import { Command } from 'commander';
import { existsSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { resolveConfigEnv } from '@kvrel/runtime';
import { loadConfigFile } from '../config/load-config-file.js';
import { validateReleases } from '../config/validate-releases.js';
import { findProjectRoot, loadWorkspace } from '../config/workspace.js';
import { fromConfig, type ReleaseOverrides } from '../release/from-config.js';
import { formatAnnouncement } from '../release/announce.js';
import { runSteps } from '../release/run-steps.js';
import type { Release } from '../release/release.js';
import { consoleReporter, type Reporter } from '../reporter.js';
import { bundleRelease, releaseManifest } from '../steps/bundle.js';
import { checkVmArgs } from '../steps/check-vm-args.js';
import { resolveBaseNode, type BaseNode } from '../steps/base-node.js';
import { renderReleaseFiles } from '../steps/render-templates.js';
import { writeExecutable } from '../steps/sea.js';
import { writeTar } from '../steps/tar.js';
import { writeCookie } from '../steps/write-cookie.js';
import { writeBuildConfig, writeRuntimeConfig } from '../steps/write-config.js';
import { UserError } from '../user-error.js';

interface ReleaseFlags {
  env?: string;
  tar?: boolean;
  path?: string;
  node?: string;
}

export function releaseCommand(): Command {
  return new Command('release')
    .description('assemble a self-contained release into _build/<env>/rel/<name>')
    .argument('[name]', 'the release to build (optional when releases.config.ts defines one)')
    .option('--env <env>', 'the configuration env (default: KVREL_ENV, else prod)')
    .option('--tar', 'also write _build/<env>/<name>-<version>.tar.gz')
    .option('--path <dir>', 'build the release into this folder instead')
    .option('--node <path>', 'embed this Node binary instead of the pinned Node 24 LTS')
    .addHelpText('after', '\nExamples:\n  kvrel release foo\n  kvrel release bar --tar\n  kvrel release foo --node "$(command -v node)"')
    .action(async (name: string | undefined, flags: ReleaseFlags) => {
      await buildRelease({ name, env: flags.env ?? resolveConfigEnv('prod'), tar: flags.tar, path: flags.path, node: flags.node }, consoleReporter);
    });
}

export async function loadRelease(overrides: ReleaseOverrides, cwd = process.cwd()): Promise<Release> {
  const root = findProjectRoot(cwd);
  const workspace = await loadWorkspace(root);
  const file = join(root, 'releases.config.ts');
  if (!existsSync(file)) throw new UserError('KVREL_INVALID_RELEASE', `${file} not found; create it with export default defineReleases({ ... })`);
  const releases = validateReleases(await loadConfigFile(file, root), [...workspace.applications.keys()]);
  return fromConfig(releases, workspace, overrides);
}

export async function buildRelease(overrides: ReleaseOverrides, reporter: Reporter, cwd = process.cwd()): Promise<Release> {
  const release = await loadRelease(overrides, cwd);
  if (release.node !== undefined && !existsSync(release.node)) {
    throw new UserError('KVREL_NODE_UNAVAILABLE', `release ${JSON.stringify(release.name)}: node binary ${release.node} does not exist; pass --node PATH to an existing Node 20+ binary`);
  }
  reporter.info(`* assembling ${release.name}-${release.version} on KVREL_ENV=${release.env}`);
  const work = join(release.root, '_build', release.env, 'kvrel-cache', release.name);
  const bundleFile = join(work, 'bundle.cjs');
  let tarFile: string | undefined;
  let baseNode: BaseNode | undefined;
  const base = (): BaseNode => baseNode!;
  const steps = [
    {
      name: 'writing configuration',
      run: async () => {
        // releases/<vsn> is rebuilt from scratch every time, as Mix does; the rest of the release stays.
        await rm(release.versionPath, { recursive: true, force: true });
        await mkdir(release.versionPath, { recursive: true });
        await mkdir(work, { recursive: true });
        await writeBuildConfig(release);
        const runtime = await writeRuntimeConfig(release);
        return runtime ? 'using config/runtime.ts to configure the release at runtime' : 'skipping runtime configuration (config/runtime.ts not found)';
      },
    },
    {
      name: 'resolving Node',
      run: async () => {
        baseNode = await resolveBaseNode(release, reporter);
        const how = baseNode.vmArgsVia === 'cli' ? 'vm.args as --node-options' : 'vm.args as NODE_OPTIONS';
        return `${baseNode.info.version}${baseNode.embedded ? ' (embedded LTS)' : ` from ${baseNode.path}`}, ${how}`;
      },
    },
    {
      name: 'bundling',
      run: async () => {
        await bundleRelease(release, base().vmArgsVia, bundleFile);
        return release.applications.map((a) => `${a.name} ${a.mode}`).join(', ');
      },
    },
    {
      name: 'building the executable',
      run: async () => {
        const sea = await writeExecutable(release, bundleFile, base(), reporter);
        return `Node ${sea.nodeVersion}${sea.reused ? ', unchanged, reused' : ''}`;
      },
    },
    {
      name: 'writing bin, env.sh, vm.args and the cookie',
      run: async () => {
        await renderReleaseFiles(release, base().vmArgsVia);
        const vmArgs = await checkVmArgs(release, base().vmArgsVia, reporter);
        const cookie = await writeCookie(release);
        await writeFile(join(release.versionPath, 'manifest.json'), `${JSON.stringify({ ...releaseManifest(release, base().vmArgsVia), builtAt: new Date().toISOString() }, null, 2)}\n`);
        return `cookie ${cookie}${vmArgs.length > 0 ? `, vm.args ${vmArgs.join(' ')}` : ''}`;
      },
    },
    ...(release.tar
      ? [
          {
            name: 'writing the tarball',
            run: async () => {
              tarFile = await writeTar(release);
            },
          },
        ]
      : []),
  ];
  await runSteps(steps, reporter);
  reporter.info(formatAnnouncement(release, cwd, tarFile));
  return release;
}
