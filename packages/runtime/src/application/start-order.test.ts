import { describe, expect, it } from 'vitest';
import { startOrder } from './start-order.js';

const app = (name: string, dependencies: string[] = []) => ({ name, dependencies });

describe('startOrder', () => {
  it('puts dependencies first', () => {
    const order = startOrder([app('kv-server', ['kv']), app('kv', ['runtime']), app('runtime')]);
    expect(order.map((a) => a.name)).toEqual(['runtime', 'kv', 'kv-server']);
  });

  it('orders only what the roots need', () => {
    const order = startOrder([app('kv-server', ['kv']), app('kv'), app('other')], ['kv']);
    expect(order.map((a) => a.name)).toEqual(['kv']);
  });

  it('names a cycle', () => {
    expect(() => startOrder([app('a', ['b']), app('b', ['a'])])).toThrow('applications depend on each other in a cycle: a → b → a');
  });

  it('names a missing dependency and an unknown root', () => {
    expect(() => startOrder([app('a', ['ghost'])])).toThrow('application "a" depends on "ghost", which is not available');
    expect(() => startOrder([app('a')], ['zz'])).toThrow('unknown application "zz"');
  });
});
