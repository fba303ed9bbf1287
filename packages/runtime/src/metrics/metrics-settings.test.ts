import { describe, expect, it } from 'vitest';
import { resolveMetricsSettings } from './metrics-settings.js';

describe('resolveMetricsSettings', () => {
  it('is off unless a port is set', () => {
    expect(resolveMetricsSettings({}, {})).toBeUndefined();
    expect(resolveMetricsSettings({ KVREL_METRICS_PORT: '' }, { kernel: {} })).toBeUndefined();
  });

  it('takes kernel.metricsPort on 127.0.0.1, KVREL_METRICS_PORT winning, kernel.metricsHost when set', () => {
    expect(resolveMetricsSettings({}, { kernel: { metricsPort: 9100 } })).toEqual({ port: 9100, host: '127.0.0.1' });
    expect(resolveMetricsSettings({ KVREL_METRICS_PORT: '9200' }, { kernel: { metricsPort: 9100 } })).toEqual({ port: 9200, host: '127.0.0.1' });
    expect(resolveMetricsSettings({}, { kernel: { metricsPort: '9100', metricsHost: '0.0.0.0' } })).toEqual({ port: 9100, host: '0.0.0.0' });
  });

  it('names the setting and the value it refuses', () => {
    expect(() => resolveMetricsSettings({ KVREL_METRICS_PORT: 'nine' }, {})).toThrow('KVREL_METRICS_PORT must be a port number from 0 to 65535, got "nine"');
    expect(() => resolveMetricsSettings({}, { kernel: { metricsPort: 70000 } })).toThrow('kernel.metricsPort must be a port number from 0 to 65535, got 70000');
    expect(() => resolveMetricsSettings({}, { kernel: { metricsPort: 1, metricsHost: 3 } })).toThrow(
      'kernel.metricsHost must be a host name or address such as "127.0.0.1", got 3',
    );
  });
});
