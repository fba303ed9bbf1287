/**
 * The target's own builds of the per-platform packages a release's packages list as optional
 * dependencies (`@node-rs/bcrypt` → `@node-rs/bcrypt-linux-arm64-gnu`, `@img/sharp-linux-arm64` →
 * `@img/sharp-libvips-linux-arm64`). npm installs only the host's, so for another target each missing
 * one is fetched from the npm registry (`npm pack`, as the embedded Node is), kept in kvrel's cache
 * and copied into the release's lib/node_modules, where the parent package finds it as Node does.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { cp, mkdir, mkdtemp, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { findInstalled } from '../bundle/copy-disk-packages.js';
import { runProcess } from '../process/run-process.js';
import { NpmPackError, packFromNpm, runNpm, type NpmRunner } from '../sea/npm-pack.js';
import { targetArch, type Target } from '../sea/targets.js';
import { UserError } from '../../shared/user-error.js';
import { filesUnder } from './find-addons.js';

interface Manifest {
  name?: string;
  version?: string;
  os?: string[];
  cpu?: string[];
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}

/** `@node-rs/bcrypt-linux-arm64-gnu`, `@img/sharp-linux-arm64`: a glibc build for the target, by the name conventions napi-rs and sharp use. */
export function isPackageForTarget(name: string, target: Target): boolean {
  return new RegExp(`(^|[-/.])${target}($|[-.])`).test(name) && !/musl/.test(name);
}

/** Whether a package.json's `os`/`cpu` (npm's own platform filter) leave the target out. */
export function excludesTarget(manifest: Pick<Manifest, 'os' | 'cpu'>, target: Target): boolean {
  const allows = (list: string[] | undefined, value: string): boolean => {
    if (!list) return true;
    if (list.includes(`!${value}`)) return false;
    const named = list.filter((v) => !v.startsWith('!'));
    return named.length === 0 || named.includes(value);
  };
  return !allows(manifest.os, 'linux') || !allows(manifest.cpu, targetArch(target));
}

export function readManifest(dir: string): Manifest | undefined {
  try {
    return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Manifest;
  } catch {
    return undefined;
  }
}

/** Adds the target's missing platform packages to lib/node_modules; returns `name@version` of each added. */
export async function addTargetPackages(lib: string, target: Target, cacheDir: string, run: NpmRunner = runNpm): Promise<string[]> {
  const added: string[] = [];
  const queue: string[] = [...filesUnder(join(lib, 'node_modules'))].filter((file) => file.endsWith('/package.json')).map((file) => join(file, '..'));
  while (queue.length > 0) {
    const dir = queue.shift()!;
    const manifest = readManifest(dir);
    const wanted = { ...manifest?.dependencies, ...manifest?.optionalDependencies };
    for (const [name, spec] of Object.entries(wanted)) {
      if (!isPackageForTarget(name, target) || findInstalled(name, dir)) continue;
      const fetched = await ensureFetched(name, spec, `${manifest?.name ?? 'a package'}${manifest?.version ? ` ${manifest.version}` : ''}`, cacheDir, run);
      const into = join(lib, 'node_modules', ...name.split('/'));
      await rm(into, { recursive: true, force: true });
      await mkdir(join(into, '..'), { recursive: true });
      // Timestamps kept: an unchanged copy leaves the addons step's saved result valid.
      await cp(fetched, into, { recursive: true, preserveTimestamps: true });
      added.push(`${name}@${readManifest(into)?.version ?? spec}`);
      queue.push(into);
    }
  }
  return added;
}

/** `<cacheDir>/packages/<name>@<spec>`: the extracted package, fetched once per machine. */
async function ensureFetched(name: string, spec: string, parent: string, cacheDir: string, run: NpmRunner): Promise<string> {
  const dir = join(cacheDir, 'packages', `${name.replace('/', '+')}@${spec.replace(/[^\w.+-]/g, '_')}`);
  if (existsSync(join(dir, 'package.json'))) return dir;
  await mkdir(join(cacheDir, 'packages'), { recursive: true });
  const work = await mkdtemp(join(cacheDir, 'packages', '.fetch-'));
  const fail = (reason: string): never => {
    // A package may list a platform build it never published (@node-rs/bcrypt 2.0.0 lists linux-arm64-gnu 2.0.0).
    const fix = /notarget|E404|404 Not Found|No matching version/i.test(reason)
      ? `${parent} lists a build the registry does not have; use a version of it that publishes one, or build the release on the target`
      : 'check the network and the registry configured in .npmrc';
    throw new UserError(
      'KVREL_NATIVE_ADDON',
      `could not fetch ${name}@${spec}, the target's build of ${parent}'s native addon, through npm: ${reason}; ${fix}`,
    );
  };
  try {
    let tarball = '';
    try {
      tarball = await packFromNpm(`${name}@${spec}`, work, run);
    } catch (error) {
      if (!(error instanceof NpmPackError)) throw error;
      fail(error.message);
    }
    const untar = await runProcess('tar', ['-xzf', tarball, '-C', work]);
    if (untar.exitCode !== 0) fail(`tar exited with code ${untar.exitCode}`);
    const staged = `${dir}.tmp-${randomBytes(4).toString('hex')}`;
    await rename(join(work, 'package'), staged);
    await rename(staged, dir).catch(async (error: NodeJS.ErrnoException) => {
      // Another build got there first: use theirs.
      if (error.code !== 'ENOTEMPTY' && error.code !== 'EEXIST') throw error;
      await rm(staged, { recursive: true, force: true });
    });
    return dir;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
