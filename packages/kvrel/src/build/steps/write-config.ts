/**
 * Step "writing configuration": starts the assembly of releases/<vsn> afresh (as Mix does; lib/ and
 * the executable are kept for the bundle and executable steps to reuse when unchanged; the release
 * folder itself is only touched when the release is published), writes the build-time configuration,
 * evaluated now, as releases/<vsn>/sys.config.json, and config/runtime.ts compiled to
 * releases/<vsn>/runtime.cjs (one CommonJS file, evaluated at every boot).
 */
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { build } from 'esbuild';
import { loadBuildConfig, runtimeConfigPath } from '../config/project-config.js';
import { firstEsbuildError } from '../config/load-config-file.js';
import { UserError } from '../../shared/user-error.js';
import { assemblyRoot, type Release } from '../release/release.js';
import type { ReleaseStep } from '../release/run-steps.js';
import { NODE_TARGET } from './bundle.js';
import { LIB_DIR, RUNTIME_CONFIG_FILE, SYS_CONFIG_FILE } from '../../shared/layout.js';

export const writeConfigStep: ReleaseStep = {
  title: 'writing configuration',
  run: async (release) => {
    await clearAssembly(release);
    await mkdir(release.workDir, { recursive: true });
    await writeBuildConfig(release);
    return { ...release, runtimeConfig: await writeRuntimeConfig(release) };
  },
  summary: (release) =>
    release.runtimeConfig ? 'using config/runtime.ts to configure the release at runtime' : 'skipping runtime configuration (config/runtime.ts not found)',
};

/** Empties the assembly folder but for releases/<vsn>/lib and the executable (bin/ and overlays are written again). */
async function clearAssembly(release: Release): Promise<void> {
  await mkdir(release.versionPath, { recursive: true });
  const root = assemblyRoot(release);
  const releases = join(root, 'releases');
  const keep = async (dir: string, kept: readonly string[]) => {
    for (const entry of await readdir(dir)) if (!kept.includes(entry)) await rm(join(dir, entry), { recursive: true, force: true });
  };
  await keep(root, ['releases']);
  await keep(releases, [release.version]);
  // lib/ is updated in place by the bundle step, the executable replaced only when it changed.
  await keep(release.versionPath, [LIB_DIR, release.name]);
}

async function writeBuildConfig(release: Release): Promise<void> {
  const config = await loadBuildConfig(release.root, release.env);
  let text: string;
  try {
    text = JSON.stringify(config, null, 2);
  } catch (error) {
    throw new UserError(
      'KVREL_CONFIG_INVALID',
      `config/config.ts: build-time configuration must be plain data (JSON), ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  await writeFile(join(release.versionPath, SYS_CONFIG_FILE), `${text}\n`);
}

/** Returns whether the project has config/runtime.ts. */
async function writeRuntimeConfig(release: Release): Promise<boolean> {
  const file = runtimeConfigPath(release.root);
  if (!file) return false;
  try {
    await build({
      entryPoints: [file],
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: NODE_TARGET,
      outfile: join(release.versionPath, RUNTIME_CONFIG_FILE),
      logLevel: 'silent',
      packages: 'bundle',
    });
  } catch (error) {
    throw new UserError('KVREL_BUNDLE_FAILED', `config/runtime.ts: ${firstEsbuildError(error)}`);
  }
  return true;
}
