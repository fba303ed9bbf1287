/**
 * Rebuilds a package's native addon for the release's Node with node-gyp (`rebuild --nodedir`), in the
 * release's own copy of the package (the project's node_modules, built for the Node that runs the
 * tools, is left alone). Results are cached per package version and target Node, so the compiler
 * runs once per machine, not per build.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { cp, mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runProcess } from '../process/run-process.js';
import { findAddons } from './find-addons.js';
import { findNodeGyp } from './node-gyp.js';

export interface RebuildRequest {
  /** The package folder inside the release's lib/ (it has binding.gyp). */
  readonly packageDir: string;
  readonly packageName: string;
  /** --nodedir: holds include/node of the target Node. */
  readonly nodeDir: string;
  readonly nodeVersion: string;
  readonly cacheDir: string;
}

export type RebuildOutcome = { readonly ok: true; readonly cached: boolean } | { readonly ok: false; readonly reason: string };

export async function rebuildAddon(request: RebuildRequest): Promise<RebuildOutcome> {
  const manifest = JSON.parse(readFileSync(join(request.packageDir, 'package.json'), 'utf8')) as { version?: string };
  const key = createHash('sha256')
    .update(`${request.packageName}@${manifest.version}:${request.nodeVersion}:${process.arch}`)
    .update(readFileSync(join(request.packageDir, 'binding.gyp')))
    .digest('hex')
    .slice(0, 24);
  const cached = join(request.cacheDir, 'addons', key);
  if (existsSync(join(cached, 'done'))) {
    await cp(join(cached, 'build'), join(request.packageDir, 'build'), { recursive: true, force: true });
    return { ok: true, cached: true };
  }
  const nodeGyp = findNodeGyp();
  if (!nodeGyp) return { ok: false, reason: 'node-gyp was not found (it comes with npm: run kvrel through npx or npm, or install npm)' };
  const result = await runProcess(process.execPath, [nodeGyp, 'rebuild', '--release', `--nodedir=${request.nodeDir}`, '--jobs=max'], {
    cwd: request.packageDir,
    env: { ...process.env, npm_config_nodedir: request.nodeDir },
    timeoutMs: 15 * 60_000,
  });
  if (result.exitCode !== 0) {
    const lines = `${result.stderr}\n${result.stdout}`.split('\n').filter((l) => /error|Error|ERR!/.test(l));
    return { ok: false, reason: `node-gyp rebuild failed: ${lines.slice(0, 2).join(' | ') || `exit ${result.exitCode}`}` };
  }
  // Only the built addons matter at run time; the objects take megabytes.
  const release = join(request.packageDir, 'build', 'Release');
  await rm(join(release, 'obj.target'), { recursive: true, force: true });
  await rm(join(release, '.deps'), { recursive: true, force: true });
  await rm(cached, { recursive: true, force: true });
  await mkdir(join(cached, 'build', 'Release'), { recursive: true });
  for (const addon of findAddons(release)) await cp(join(release, addon), join(cached, 'build', 'Release', addon));
  await writeFile(join(cached, 'done'), `${request.packageName}@${manifest.version} for Node ${request.nodeVersion}\n`);
  return { ok: true, cached: false };
}
