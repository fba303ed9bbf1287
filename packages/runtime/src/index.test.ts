import { describe, expect, it } from 'vitest';
import * as runtime from './index.js';
import * as internal from './internal.js';

describe('@kvrel/runtime', () => {
  it('exports what application authors use, and nothing of boot, distribution or eval', () => {
    expect(Object.keys(runtime).sort()).toEqual([
      'Application',
      'CodedError',
      'Node',
      'Supervisor',
      'System',
      'createLogger',
      'defineApplication',
      'defineConfig',
      'exitSignal',
      'mergeConfig',
      'registerMeasure',
      'registerService',
      'unregisterService',
    ]);
  });

  it('leaves the rest to the internal subpath, which also carries the public API', () => {
    for (const name of Object.keys(runtime)) expect(internal).toHaveProperty(name);
    expect(internal).toHaveProperty('boot');
    expect(internal).toHaveProperty('startDistribution');
  });
});
