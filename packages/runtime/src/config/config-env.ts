/** Which configuration env a command uses: KVREL_ENV wins, else the command's default (dev, prod for release, test under vitest). */
import type { ConfigEnv } from './define-config.js';

export function resolveConfigEnv(commandDefault: ConfigEnv, environment: NodeJS.ProcessEnv = process.env): ConfigEnv {
  const fromEnv = environment['KVREL_ENV'];
  if (fromEnv && fromEnv.length > 0) return fromEnv;
  if (environment['VITEST'] && commandDefault === 'dev') return 'test';
  return commandDefault;
}
