import { describe, expect, it } from 'vitest';
import { DISTRIBUTION_ERROR_CODES, DistributionError, RemoteCallError, formatDistributionError, isDistributionError } from './errors.js';

describe('distribution errors', () => {
  it('names the node on one line', () => {
    expect(formatDistributionError({ code: 'DIST_NODE_DOWN', node: 'bar@127.0.0.1', reason: 'connection refused' })).toBe(
      'node "bar@127.0.0.1" is not reachable (connection refused)',
    );
    expect(formatDistributionError({ code: 'DIST_NODE_WENT_AWAY', node: 'bar@127.0.0.1', request: 'kv.router.route' })).toBe(
      'node "bar@127.0.0.1" went away while handling "kv.router.route"',
    );
    expect(formatDistributionError({ code: 'DIST_CALL_TIMEOUT', node: 'bar@h', request: 'a.b', timeoutMs: 50 })).toBe(
      'node "bar@h" did not reply to "a.b" within 50 ms',
    );
    expect(formatDistributionError({ code: 'DIST_NAME_IN_USE', name: 'foo' })).toBe('node name "foo" is already in use on this host');
    expect(formatDistributionError({ code: 'DIST_HANDSHAKE_FAILED', node: 'bar@h', reason: 'cookie challenge failed' })).toBe(
      'could not connect to node "bar@h": cookie challenge failed',
    );
    expect(formatDistributionError({ code: 'DIST_BAD_PORT', variable: 'KVREL_DIST_PORT', value: 'x' })).toBe(
      'KVREL_DIST_PORT must be a port number from 0 to 65535 (got "x")',
    );
    expect(formatDistributionError({ code: 'DIST_BAD_COOKIE', reason: 'is empty' })).toBe('the cookie is empty; set RELEASE_COOKIE or write releases/COOKIE');
    expect(formatDistributionError({ code: 'DIST_NOT_STARTED', node: 'bar@h', state: 'stopped' })).toBe(
      'node "bar@h" is not reachable (distribution is stopped on this node)',
    );
    expect(formatDistributionError({ code: 'DIST_PORT_MAPPER_UNAVAILABLE', address: '127.0.0.1:4370', reason: 'nothing listens there' })).toBe(
      'the port mapper at 127.0.0.1:4370 is not available (nothing listens there)',
    );
    expect(formatDistributionError({ code: 'DIST_LISTEN_FAILED', node: 'a@h', address: '0.0.0.0:9', reason: 'the address is already in use' })).toBe(
      'node "a@h" could not listen for other nodes on 0.0.0.0:9: the address is already in use; set KVREL_DIST_PORT to a free port or leave it unset',
    );
  });

  it('formats every code in the catalog', () => {
    for (const code of DISTRIBUTION_ERROR_CODES) expect(code).toMatch(/^DIST_[A-Z_]+$/);
    expect(new Set(DISTRIBUTION_ERROR_CODES).size).toBe(DISTRIBUTION_ERROR_CODES.length);
  });

  it('carries the data and the code', () => {
    const error = new DistributionError({ code: 'DIST_NAME_IN_USE', name: 'foo' });
    expect(error.code).toBe('DIST_NAME_IN_USE');
    expect(isDistributionError(error, 'DIST_NAME_IN_USE')).toBe(true);
    expect(isDistributionError(error, 'DIST_NODE_DOWN')).toBe(false);
    expect(new RemoteCallError('a@h', 'no route for bucket "zebra"', 'KV_NO_ROUTE')).toMatchObject({
      message: 'no route for bucket "zebra"',
      code: 'KV_NO_ROUTE',
      node: 'a@h',
    });
  });
});
