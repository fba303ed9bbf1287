/**
 * Boots the release's node from its directory: build-time configuration (sys.config.json), then the
 * compiled config/runtime.ts (runtime.cjs) evaluated now, then the applications per their modes.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { ApplicationDescriptor, AppConfig } from '@kvrel/runtime/internal';
import { bootNode, type BootedNodeInfo } from './boot-node.js';
import type { NodeDistribution } from '../shared/node-name.js';
import { RUNTIME_CONFIG_FILE, SYS_CONFIG_FILE } from '../shared/layout.js';
import type { ReleaseContext } from '../shared/release-context.js';
import { UserError } from '../shared/user-error.js';

export interface ReleaseBootOptions {
  readonly startApplications: boolean;
  readonly distribution?: NodeDistribution | undefined;
}

export async function bootRelease(
  context: ReleaseContext,
  applications: readonly ApplicationDescriptor[],
  options: ReleaseBootOptions,
): Promise<BootedNodeInfo> {
  const config = JSON.parse(readFileSync(join(context.versionPath, SYS_CONFIG_FILE), 'utf8')) as AppConfig;
  const runtimeFile = join(context.versionPath, RUNTIME_CONFIG_FILE);
  const runtimeConfig = [];
  if (existsSync(runtimeFile)) {
    runtimeConfig.push({ file: 'config/runtime.ts', exported: loadRuntimeConfig(runtimeFile) });
  }
  const { name, version, env, modes } = context.manifest;
  return bootNode({
    applications,
    modes,
    env,
    config,
    runtimeConfig,
    release: { name, version },
    distribution: options.distribution,
    startApplications: options.startApplications,
    announce: options.startApplications,
  });
}

/** config/runtime.ts, compiled; one that throws while loading is named with its reason, as `kvrel run` does. */
function loadRuntimeConfig(file: string): unknown {
  try {
    // A SEA's own require loads built-ins only; a require made for a path loads files from disk.
    const loaded = createRequire(file)(file) as { default?: unknown };
    return loaded.default ?? loaded;
  } catch (error) {
    throw new UserError('KVREL_CONFIG_LOAD_FAILED', `config/runtime.ts: threw ${error instanceof Error ? error.message : String(error)}`);
  }
}
