/**
 * Whether and where the metrics endpoint listens: KVREL_METRICS_PORT (set for one run, wins) or
 * kernel.metricsPort; host kernel.metricsHost, default 127.0.0.1. Off when neither port is set.
 */
import type { AppConfig } from '../config/define-config.js';
import { RuntimeError } from '../errors.js';

export const METRICS_PORT_ENV = 'KVREL_METRICS_PORT';
export const DEFAULT_METRICS_HOST = '127.0.0.1';

export interface MetricsSettings {
  readonly port: number;
  readonly host: string;
}

/** undefined: metrics are off. Throws RUNTIME_BAD_SETTING naming the setting when a value is unusable. */
export function resolveMetricsSettings(env: NodeJS.ProcessEnv, config: AppConfig): MetricsSettings | undefined {
  const kernel = config['kernel'] ?? {};
  const fromEnv = env[METRICS_PORT_ENV];
  const port =
    fromEnv !== undefined && fromEnv !== ''
      ? parsePort(fromEnv, METRICS_PORT_ENV)
      : kernel['metricsPort'] !== undefined
        ? parsePort(kernel['metricsPort'], 'kernel.metricsPort')
        : undefined;
  if (port === undefined) return undefined;
  const host = kernel['metricsHost'] ?? DEFAULT_METRICS_HOST;
  if (typeof host !== 'string' || host === '') {
    throw new RuntimeError({ code: 'RUNTIME_BAD_SETTING', setting: 'kernel.metricsHost', expected: 'a host name or address such as "127.0.0.1"', got: host });
  }
  return { port, host };
}

function parsePort(value: unknown, setting: string): number {
  const port = typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : value;
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw new RuntimeError({ code: 'RUNTIME_BAD_SETTING', setting, expected: 'a port number from 0 to 65535', got: value });
  }
  return port;
}
