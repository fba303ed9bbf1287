import { describe, expect, it } from 'vitest';
import type { WorkspaceApplication } from '../config/workspace.js';
import { resolveApplications } from './resolve-applications.js';

const app = (name: string, dependencies: string[] = []): WorkspaceApplication => ({
  name,
  version: '0.1.0',
  dir: `/repo/packages/${name}`,
  applicationFile: `/repo/packages/${name}/src/application.ts`,
  moduleName: undefined,
  dependencies,
});

const workspaceOf = (...apps: WorkspaceApplication[]) => new Map(apps.map((a) => [a.name, a]));

describe('resolveApplications', () => {
  it('orders dependencies first, as a node starts them, listed modes kept and the rest permanent', () => {
    const workspace = workspaceOf(app('web', ['db', 'log']), app('db', ['log']), app('log'), app('other'));
    const resolved = resolveApplications('foo', { web: 'transient', log: 'temporary' }, workspace);
    expect(resolved.map((a) => [a.name, a.mode])).toEqual([
      ['log', 'temporary'],
      ['db', 'permanent'],
      ['web', 'transient'],
    ]);
  });

  it('names the cycle with the release, as a release validation error', () => {
    const workspace = workspaceOf(app('a', ['b']), app('b', ['a']));
    expect(() => resolveApplications('foo', { a: 'permanent' }, workspace)).toThrow(
      expect.objectContaining({ code: 'KVREL_INVALID_RELEASE', message: 'release "foo": applications depend on each other in a cycle: a → b → a' }),
    );
  });

  it('names a dependency that is not an application of this workspace', () => {
    const workspace = workspaceOf(app('web', ['ghost']));
    expect(() => resolveApplications('foo', { web: 'permanent' }, workspace)).toThrow(
      expect.objectContaining({
        code: 'KVREL_UNKNOWN_APPLICATION',
        message: 'release "foo": application "web" depends on "ghost", which is not in this workspace',
      }),
    );
  });
});
