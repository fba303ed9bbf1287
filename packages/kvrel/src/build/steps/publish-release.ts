/**
 * Step "publishing": the release assembled in kvrel's folder goes into the release folder without a
 * node running from it ever seeing a missing or half-written file (Mix builds in place; a node of a
 * kvrel release may be running there while it is rebuilt):
 * - releases/<vsn> is copied beside its place (.<vsn>.incoming-<pid>, the executable hard-linked when
 *   it can be) and renamed into it; a folder already there is renamed aside first, two renames a few
 *   microseconds apart, so every file a command opens is wholly the old one or wholly the new one;
 * - bin/ and the overlays' files are each written to a temporary name and renamed over the old file;
 * - then older versions (unless keepOldVersions) and folders set aside are removed, except those a
 *   live process runs from: a node started from 0.0.1 keeps releases/0.0.1 (its priv/, its code)
 *   until it stops; the first build after that removes it.
 */
import { constants, existsSync } from 'node:fs';
import { chmod, copyFile, cp, link, mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { processAlive } from '../../shared/process-alive.js';
import { assemblyRoot, type Release } from '../release/release.js';
import type { ReleaseStep } from '../release/run-steps.js';
import { versionsInUse } from '../release/versions-in-use.js';

const INCOMING = /^\..+\.incoming-(\d+)$/;
const SET_ASIDE = /^\..+\.replaced-\d+-\d+$/;

export const publishReleaseStep: ReleaseStep = {
  title: 'publishing',
  run: async (release, reporter) => {
    const releases = join(release.path, 'releases');
    await mkdir(releases, { recursive: true });
    await switchVersion(release, releases);
    await publishFiles(assemblyRoot(release), release.path);
    const kept = await removeUnused(release, releases);
    for (const [folder, pids] of kept) {
      reporter.info(`  kept releases/${folder}: pid ${pids.join(', ')} runs from it; it is removed by the first build after that node stops`);
    }
    return { ...release, keptInUse: Object.fromEntries(kept) };
  },
  summary: ({ keptInUse, version }) => {
    const kept = Object.keys(keptInUse ?? {}).filter((folder) => !folder.startsWith('.'));
    return `releases/${version}${kept.length > 0 ? `; still in use: ${kept.join(', ')}` : ''}`;
  },
};

async function switchVersion(release: Release, releases: string): Promise<void> {
  const incoming = join(releases, `.${release.version}.incoming-${process.pid}`);
  await rm(incoming, { recursive: true, force: true });
  const executable = join(release.versionPath, release.name);
  await cp(release.versionPath, incoming, {
    recursive: true,
    mode: constants.COPYFILE_FICLONE,
    verbatimSymlinks: true,
    filter: (source) => source !== executable,
  });
  if (existsSync(executable)) await linkOrCopy(executable, join(incoming, release.name));
  const target = join(releases, release.version);
  if (existsSync(target)) await rename(target, join(releases, `.${release.version}.replaced-${Date.now()}-${process.pid}`));
  await rename(incoming, target);
}

/** The assembly's files outside releases/ (bin/, overlays), each renamed over its old copy. */
async function publishFiles(from: string, to: string, skipped: readonly string[] = ['releases']): Promise<void> {
  for (const entry of await readdir(from, { withFileTypes: true })) {
    if (skipped.includes(entry.name)) continue;
    const source = join(from, entry.name);
    const target = join(to, entry.name);
    if (entry.isDirectory()) {
      await mkdir(target, { recursive: true });
      await publishFiles(source, target, []);
      continue;
    }
    const partial = `${target}.kvrel-${process.pid}.new`;
    await rm(partial, { force: true });
    await copyFile(source, partial, constants.COPYFILE_FICLONE);
    await chmod(partial, (await stat(source)).mode & 0o7777);
    await rename(partial, target);
  }
}

/** A hard link (no copy of a 100 MB executable) where the file system allows it, else a copy. */
async function linkOrCopy(source: string, target: string): Promise<void> {
  try {
    await link(source, target);
  } catch {
    await copyFile(source, target, constants.COPYFILE_FICLONE);
  }
}

/** Removes older versions and set-aside folders no live process runs from; returns those kept (folder → pids). */
async function removeUnused(release: Release, releases: string): Promise<Map<string, number[]>> {
  const inUse = versionsInUse(releases, release.name);
  const kept = new Map<string, number[]>();
  for (const entry of await readdir(releases, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name === release.version) continue;
    const incoming = INCOMING.exec(entry.name);
    if (incoming) {
      // Another build's, still copying: not ours to remove.
      if (Number(incoming[1]) !== process.pid && processAlive(Number(incoming[1]))) continue;
    } else if (SET_ASIDE.test(entry.name)) {
      // Set aside by a rebuild of the same version.
    } else if (entry.name.startsWith('.') || release.keepOldVersions) {
      continue;
    }
    const pids = inUse.get(entry.name);
    if (pids) {
      kept.set(entry.name, pids);
      continue;
    }
    await rm(join(releases, entry.name), { recursive: true, force: true });
  }
  return kept;
}
