/**
 * The project's configuration files: config/config.ts (build time, evaluated on every kvrel command
 * and when a release is built; it may import config/<env>.ts) and config/runtime.ts (evaluated at
 * every boot). Errors name the file and the reason.
 */
import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { AppConfig, ConfigEnv } from '@kvrel/runtime/internal';
import { evaluateConfig } from '@kvrel/runtime/internal';
import { UserError } from '../../shared/user-error.js';
import { loadConfigFile } from './load-config-file.js';

export function runtimeConfigPath(root: string): string | undefined {
  const file = join(root, 'config', 'runtime.ts');
  return existsSync(file) ? file : undefined;
}

/** Evaluates config/config.ts (if present) for `env`; `{}` when the project has none. */
export async function loadBuildConfig(root: string, env: ConfigEnv): Promise<AppConfig> {
  const file = join(root, 'config', 'config.ts');
  if (!existsSync(file)) return {};
  return evaluateConfigFile(file, root, { env });
}

export async function evaluateConfigFile(file: string, root: string, context: { env: ConfigEnv }): Promise<AppConfig> {
  const exported = await loadConfigFile(file, root);
  try {
    return await evaluateConfig(exported, context, relative(root, file) || file);
  } catch (error) {
    throw new UserError('KVREL_CONFIG_INVALID', error instanceof Error ? error.message : String(error));
  }
}
