/**
 * Makes releases/<vsn>/<name>: the single executable application. The base is the pinned Node 24
 * (fetched once into the user's cache) or the release's own `node`. An executable built earlier from
 * the same bundle, base binary and options is reused, so a warm build makes no new SEA.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, copyFile, mkdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { buildSea, resolveCacheDir, verifySea } from '../sea/index.js';
import type { BaseNode } from './base-node.js';
import type { Reporter } from '../reporter.js';
import type { Release } from '../release/release.js';
import { PROBE_COMMAND } from '../release-node/probe.js';

export interface SeaStepResult {
  readonly executable: string;
  readonly reused: boolean;
  readonly nodeVersion: string;
}

async function sha256(file: string): Promise<string> {
  return createHash('sha256').update(await readFile(file)).digest('hex');
}

export async function writeExecutable(release: Release, bundleFile: string, baseNode: BaseNode, reporter: Reporter): Promise<SeaStepResult> {
  const cacheDir = resolveCacheDir();
  const base = baseNode.path;
  const baseStat = await stat(base);
  const key = createHash('sha256')
    .update(await sha256(bundleFile))
    .update(`${base}:${baseStat.size}:${baseStat.mtimeMs}:${baseNode.vmArgsVia}`)
    .digest('hex')
    .slice(0, 24);
  const seaDir = join(release.root, '_build', release.env, 'kvrel-cache', release.name, 'sea');
  const cached = join(seaDir, `${key}.sea`);
  const executable = join(release.versionPath, release.name);
  const reused = existsSync(cached);
  if (!reused) {
    // Only the newest executable of a release is kept.
    await rm(seaDir, { recursive: true, force: true });
    await mkdir(seaDir, { recursive: true });
    await buildSea({
      nodeBinary: base,
      bundleFile,
      outputFile: `${cached}.tmp`,
      useCodeCache: true,
      ...(baseNode.vmArgsVia === 'cli' ? { execArgvExtension: 'cli' as const } : {}),
      cacheDir,
      reporter,
    });
    await rename(`${cached}.tmp`, cached);
  }
  await copyFile(cached, executable);
  await chmod(executable, 0o755);
  // A blob from another Node version can make an executable exit 0 silently: run it once.
  const probe = await verifySea(executable, baseNode.vmArgsVia === 'cli' ? ['--node-options=', PROBE_COMMAND] : [PROBE_COMMAND], {
    stdout: new RegExp(`"name":${JSON.stringify(JSON.stringify(release.name)).slice(1, -1)}`),
    env: { ...process.env, RELEASE_ROOT: release.path },
  });
  const nodeVersion = (JSON.parse(probe.stdout.trim()) as { node: string }).node;
  return { executable, reused, nodeVersion };
}
