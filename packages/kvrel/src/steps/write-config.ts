/**
 * Writes the release's configuration: the build-time configuration, evaluated now, as
 * releases/<vsn>/sys.config.json, and config/runtime.ts compiled to releases/<vsn>/runtime.cjs (one
 * CommonJS file, evaluated at every boot).
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { build } from 'esbuild';
import { loadBuildConfig, runtimeConfigPath } from '../config/project-config.js';
import { firstEsbuildError } from '../config/load-config-file.js';
import { UserError } from '../user-error.js';
import type { Release } from '../release/release.js';
import { NODE_TARGET } from './bundle.js';

export async function writeBuildConfig(release: Release): Promise<void> {
  const config = await loadBuildConfig(release.root, release.env);
  let text: string;
  try {
    text = JSON.stringify(config, null, 2);
  } catch (error) {
    throw new UserError('KVREL_CONFIG_INVALID', `config/config.ts: build-time configuration must be plain data (JSON), ${error instanceof Error ? error.message : String(error)}`);
  }
  await writeFile(join(release.versionPath, 'sys.config.json'), `${text}\n`);
}

/** Returns whether the project has config/runtime.ts. */
export async function writeRuntimeConfig(release: Release): Promise<boolean> {
  const file = runtimeConfigPath(release.root);
  if (!file) return false;
  try {
    await build({
      entryPoints: [file],
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: NODE_TARGET,
      outfile: join(release.versionPath, 'runtime.cjs'),
      logLevel: 'silent',
      packages: 'bundle',
    });
  } catch (error) {
    throw new UserError('KVREL_BUNDLE_FAILED', `config/runtime.ts: ${firstEsbuildError(error)}`);
  }
  return true;
}
