import { describe, expect, it } from 'vitest';
import type { Workspace, WorkspaceApplication } from '../config/workspace.js';
import { fromConfig } from './from-config.js';

const app = (name: string, dependencies: string[] = []): WorkspaceApplication => ({
  name,
  version: '0.1.0',
  dir: `/repo/packages/${name}`,
  applicationFile: `/repo/packages/${name}/src/application.ts`,
  moduleName: undefined,
  dependencies,
});

const workspace: Workspace = {
  root: '/repo',
  applications: new Map([
    ['kv', app('kv')],
    ['kv-server', app('kv-server', ['kv'])],
  ]),
};

const releases = {
  foo: { version: '0.0.1', applications: { 'kv-server': 'permanent' as const } },
  bar: { version: '0.0.2', applications: { kv: 'temporary' as const } },
};

describe('fromConfig', () => {
  it('adds dependencies, dependencies first, permanent unless listed', () => {
    const release = fromConfig(releases, workspace, { name: 'foo', env: 'prod' });
    expect(release.applications.map((a) => [a.name, a.mode])).toEqual([
      ['kv', 'permanent'],
      ['kv-server', 'permanent'],
    ]);
    expect(release.path).toBe('/repo/_build/prod/rel/foo');
    expect(release.versionPath).toBe('/repo/_build/prod/kvrel-cache/foo/stage/releases/0.0.1');
  });

  it('keeps a slice to its own applications', () => {
    const release = fromConfig(releases, workspace, { name: 'bar', env: 'prod' });
    expect(release.applications.map((a) => a.name)).toEqual(['kv']);
  });

  it('uses Mix wording for an unknown release and asks for a name when there are several', () => {
    expect(() => fromConfig(releases, workspace, { name: 'baz', env: 'prod' })).toThrow('Unknown release "baz". The available releases are: "foo", "bar"');
    expect(() => fromConfig(releases, workspace, { env: 'prod' })).toThrow(
      'kvrel release was given no name but releases.config.ts defines 2 releases ("foo", "bar"); run "kvrel release foo"',
    );
  });

  it('refuses a started application whose dependency is only loaded', () => {
    const bad = { foo: { version: '1', applications: { 'kv-server': 'permanent' as const, kv: 'load' as const } } };
    expect(() => fromConfig(bad, workspace, { name: 'foo', env: 'prod' })).toThrow(
      'release "foo": "kv-server" is permanent but depends on "kv", which is "load"; set "kv" to a started mode',
    );
  });
});
