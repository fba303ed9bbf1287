/**
 * Turns what a config file exported into configuration: calls a function export with the context,
 * awaits it, and checks the shape `{ [app]: { [key]: value } }`. Errors name the file and the reason.
 */
import { RuntimeError } from '../errors.js';
import type { AppConfig, ConfigContext } from './define-config.js';
import { isPlainObject } from './merge-config.js';

export async function evaluateConfig(exported: unknown, context: ConfigContext, file: string): Promise<AppConfig> {
  let value = exported;
  if (typeof value === 'function') {
    try {
      value = await (value as (c: ConfigContext) => unknown)(context);
    } catch (error) {
      throw new RuntimeError({ code: 'RUNTIME_CONFIG_INVALID', file, reason: `threw ${error instanceof Error ? error.message : String(error)}` });
    }
  }
  return validateConfigShape(value, file);
}

export function validateConfigShape(value: unknown, file: string): AppConfig {
  if (!isPlainObject(value)) {
    throw new RuntimeError({
      code: 'RUNTIME_CONFIG_INVALID',
      file,
      reason: `must default-export an object { [app]: { [key]: value } } or a function returning one, got ${describe(value)}`,
    });
  }
  for (const [app, entries] of Object.entries(value)) {
    if (!isPlainObject(entries)) {
      throw new RuntimeError({
        code: 'RUNTIME_CONFIG_INVALID',
        file,
        reason: `configuration for application ${JSON.stringify(app)} must be an object of keys, got ${describe(entries)}`,
      });
    }
  }
  return value as AppConfig;
}

function describe(value: unknown): string {
  if (value === undefined) return 'undefined (is there a default export?)';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return `an instance of ${value.constructor?.name ?? 'Object'}`;
  return `${typeof value} ${JSON.stringify(value)}`;
}
