import { describe, expect, it } from 'vitest';
import { deferredTransport } from './deferred-transport.js';
import type { Transport } from '../node.js';

const real: Transport = {
  self: () => 'foo@127.0.0.1',
  list: () => ['bar@127.0.0.1'],
  ping: async () => 'pong',
  connect: async () => true,
  call: async (node, service, fn, args) => `${node} ${service}.${fn}(${args.join(',')})`,
  stop: async () => {},
};

describe('deferredTransport', () => {
  it('knows its name at once and makes calls wait for distribution', async () => {
    let up!: (t: Transport) => void;
    const transport = deferredTransport('foo@127.0.0.1', new Promise((resolve) => (up = resolve)));
    expect(transport.self()).toBe('foo@127.0.0.1');
    const call = transport.call('bar@127.0.0.1', 'kv.router', 'route', [1], 1000);
    up(real);
    expect(await call).toBe('bar@127.0.0.1 kv.router.route(1)');
  });

  it('fails calls with the start error when distribution does not come up', async () => {
    const transport = deferredTransport('foo@127.0.0.1', Promise.reject(new Error('node name "foo" is already in use on this host')));
    await expect(transport.ping('bar@127.0.0.1')).rejects.toThrow('already in use');
  });
});
