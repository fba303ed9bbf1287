import { describe, expect, it } from 'vitest';
import { Node, NO_NODE, setTransport } from './node.js';

describe('Node without distribution', () => {
  it('is nonode@nohost and fails a call to another node with DIST_NOT_STARTED', async () => {
    setTransport(undefined);
    expect(Node.self()).toBe(NO_NODE);
    await expect(Node.call('bar@h', 'kv.router', 'route')).rejects.toMatchObject({
      code: 'DIST_NOT_STARTED',
      message: 'node "bar@h" is not reachable (distribution is not started on this node)',
    });
    expect(await Node.ping('bar@h')).toBe('pang');
  });
});
