import { describe, expect, it } from 'vitest';
import { headlineTotal, readSamples, registerMeasure, registeredMeasures } from './measures.js';

describe('measures', () => {
  it('reads registered measures on demand and sums the headline ones', () => {
    let connections = 2;
    const removeConnections = registerMeasure({ name: 'test_connections', help: 'h', type: 'gauge', headline: 'connections', read: () => connections });
    const removeOps = registerMeasure({
      name: 'test_ops_total',
      help: 'h',
      type: 'counter',
      labelNames: ['command'],
      headline: 'operations',
      read: () => [
        { labels: { command: 'get' }, value: 5 },
        { labels: { command: 'put' }, value: 1 },
      ],
    });
    expect(headlineTotal('connections')).toBe(2);
    connections = 3;
    expect(headlineTotal('connections')).toBe(3);
    expect(headlineTotal('operations')).toBe(6);
    expect(readSamples(registeredMeasures().find((m) => m.name === 'test_connections')!)).toEqual([{ value: 3 }]);
    removeConnections();
    removeOps();
    expect(headlineTotal('connections')).toBe(0);
    expect(registeredMeasures().map((m) => m.name)).not.toContain('test_ops_total');
  });

  it('an unregister of a replaced measure leaves its replacement', () => {
    const removeFirst = registerMeasure({ name: 'test_same', help: 'h', type: 'gauge', read: () => 1 });
    const removeSecond = registerMeasure({ name: 'test_same', help: 'h', type: 'gauge', read: () => 2 });
    removeFirst();
    expect(
      registeredMeasures()
        .find((m) => m.name === 'test_same')
        ?.read(),
    ).toBe(2);
    removeSecond();
  });
});
