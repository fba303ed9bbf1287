import { describe, expect, it } from 'vitest';
import { buildEvalScope } from './eval-scope.js';

describe('eval scope', () => {
  it('gives rpc/eval/remote the public System only, none of the lifecycle levers boot uses', () => {
    const System = buildEvalScope([]).System as Record<string, unknown>;
    expect(Object.keys(System).sort()).toEqual(['bootPending', 'isBooted', 'pid', 'restart', 'stop', 'whenBooted']);
  });

  it('puts each application module under its name', () => {
    const module = { get: () => 1 };
    const scope = buildEvalScope([{ spec: { name: 'kv' }, version: '1.0.0', dependencies: [], moduleName: 'KV', module }]);
    expect(scope['KV']).toBe(module);
    expect(Object.keys(scope).sort()).toEqual(['Application', 'KV', 'Node', 'System', 'require']);
  });
});
