import { describe, expect, test } from 'vitest';
import { PINNED_NODES } from '../sea/embedded-node.js';
import { pinnedRuntimeOf } from './resolve-base-binary.js';

describe('pinnedRuntimeOf: which Node a release embeds', () => {
  test('no node: the default line, Node 26', () => {
    expect(pinnedRuntimeOf('foo', undefined)).toBe(PINNED_NODES['26']);
    expect(pinnedRuntimeOf('foo', undefined)?.version).toBe('26.12.1');
  });

  test("node: '24' or '26' (or --node 24): that line's pinned patch", () => {
    expect(pinnedRuntimeOf('foo', '24')?.version).toBe('24.22.3');
    expect(pinnedRuntimeOf('foo', '26')?.version).toBe('26.12.1');
  });

  test('a path: no pinned runtime, the binary itself is embedded', () => {
    expect(pinnedRuntimeOf('foo', '/usr/bin/node')).toBeUndefined();
    expect(pinnedRuntimeOf('foo', './bin/node24')).toBeUndefined();
  });

  test('a line kvrel does not pin is refused, naming the release and the lines it pins', () => {
    expect(() => pinnedRuntimeOf('foo', '22')).toThrow(
      expect.objectContaining({
        code: 'KVREL_NODE_UNAVAILABLE',
        message: `release "foo": kvrel pins no Node 22 line; use '26' (default), '24', or a path to a Node binary`,
      }),
    );
  });
});
