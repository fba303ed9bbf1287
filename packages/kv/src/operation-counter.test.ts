import { describe, expect, it } from 'vitest';
import { OperationCounter } from './operation-counter.js';
import { Registry } from './registry.js';
import { routeOperation, type RouterContext } from './router.js';

describe('OperationCounter', () => {
  it('counts routed operations by command and route', async () => {
    const operations = new OperationCounter();
    const context: RouterContext = {
      self: () => 'foo',
      table: () => [
        { from: 'a', to: 'm', node: 'foo' },
        { from: 'n', to: 'z', node: 'bar' },
      ],
      registry: new Registry(),
      forward: async () => ({ status: 'ok' }),
      operations,
    };
    routeOperation(context, { op: 'create', bucket: 'apple' });
    routeOperation(context, { op: 'get', bucket: 'apple', key: 'k' });
    routeOperation(context, { op: 'get', bucket: 'apple', key: 'k' });
    await routeOperation(context, { op: 'put', bucket: 'zebra', key: 'k', value: 'v' });
    routeOperation(context, { op: 'get', bucket: '0digit', key: 'k' }); // no route: not counted
    expect(operations.total()).toBe(4);
    const samples = operations.samples().filter((s) => s.value > 0);
    expect(samples).toEqual([
      { labels: { command: 'create', route: 'local' }, value: 1 },
      { labels: { command: 'get', route: 'local' }, value: 2 },
      { labels: { command: 'put', route: 'forwarded' }, value: 1 },
    ]);
  });
});
