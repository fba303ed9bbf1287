/**
 * Boots the release's node from its directory: build-time configuration (sys.config.json), then the
 * compiled config/runtime.ts (runtime.cjs) evaluated now, then the applications per their modes.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { boot, type BootedNode } from '@kvrel/runtime/internal';
import type { ApplicationDescriptor, AppConfig, StartMode } from '@kvrel/runtime/internal';
import type { ReleaseContext } from './release-context.js';

export const SYS_CONFIG_FILE = 'sys.config.json';
export const RUNTIME_CONFIG_FILE = 'runtime.cjs';

export interface ReleaseBootOptions {
  readonly startApplications: boolean;
  readonly nodeName?: string;
  readonly startDistribution?: Parameters<typeof boot>[0]['startDistribution'];
}

export async function bootRelease(context: ReleaseContext, applications: readonly ApplicationDescriptor[], options: ReleaseBootOptions): Promise<BootedNode> {
  const config = JSON.parse(readFileSync(join(context.versionPath, SYS_CONFIG_FILE), 'utf8')) as AppConfig;
  const runtimeFile = join(context.versionPath, RUNTIME_CONFIG_FILE);
  const runtimeConfig = [];
  if (existsSync(runtimeFile)) {
    // A SEA's own require loads built-ins only; a require made for a path loads files from disk.
    const loaded = createRequire(runtimeFile)(runtimeFile) as { default?: unknown };
    runtimeConfig.push({ file: 'config/runtime.ts', exported: loaded.default ?? loaded });
  }
  const { name, version, env, modes } = context.manifest;
  return boot({
    applications,
    modes: modes as Record<string, StartMode>,
    env,
    config,
    runtimeConfig,
    release: { name, version },
    nodeName: options.nodeName,
    startDistribution: options.startDistribution,
    startApplications: options.startApplications,
  });
}
