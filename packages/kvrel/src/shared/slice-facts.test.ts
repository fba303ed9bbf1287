import { describe, expect, it } from 'vitest';
import { servesSliceFromExecutable, withInlineSourceMap } from './slice-facts.js';

describe('servesSliceFromExecutable', () => {
  it('is true from the Nodes with module.registerHooks on (22.15, 23.5, 24+)', () => {
    expect(['v20.20.2', 'v22.14.0', 'v23.4.0'].map(servesSliceFromExecutable)).toEqual([false, false, false]);
    expect(['v22.15.0', 'v23.5.0', 'v24.21.0', 'v26.12.1'].map(servesSliceFromExecutable)).toEqual([true, true, true, true]);
  });
});

describe('withInlineSourceMap', () => {
  it("replaces the bundle's link to its map file by the map itself, keeping every line in place", () => {
    const map = '{"version":3,"sources":["a.ts"],"mappings":"AAAA"}';
    const text = withInlineSourceMap('export const a = 1;\n//# sourceMappingURL=node.mjs.map\n', map);
    const [code, comment, end] = text.split('\n');
    expect(code).toBe('export const a = 1;');
    expect(comment).toBe(`//# sourceMappingURL=data:application/json;base64,${Buffer.from(map).toString('base64')}`);
    expect(end).toBe('');
    expect(text).not.toContain('node.mjs.map');
  });
});
