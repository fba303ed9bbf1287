import { describe, expect, it } from 'vitest';
import { validateReleases } from './validate-releases.js';

const known = ['kv', 'kv-server'];
const check = (value: unknown) => () => validateReleases(value, known);

describe('validateReleases', () => {
  it('accepts the repository releases', () => {
    const releases = {
      foo: { version: '0.0.1', applications: { 'kv-server': 'permanent', kv: 'permanent' } },
      bar: { version: '0.0.1', applications: { kv: 'permanent' } },
    };
    expect(validateReleases(releases, known)).toBe(releases);
  });

  it('takes a target kvrel builds for, and refuses any other in one line listing them', () => {
    expect(check({ foo: { version: '1', applications: { kv: 'permanent' }, target: 'linux-arm64' } })).not.toThrow();
    expect(check({ foo: { version: '1', applications: { kv: 'permanent' }, target: 'darwin-arm64' } })).toThrow(
      expect.objectContaining({
        code: 'KVREL_UNKNOWN_TARGET',
        message: 'release "foo": target "darwin-arm64" is not one kvrel builds for; use one of linux-x64, linux-arm64',
      }),
    );
  });

  it('names the release and the field', () => {
    expect(check({ foo: { version: '0.1.0', applications: { 'kv-servr': 'permanent' } } })).toThrow(
      expect.objectContaining({
        code: 'KVREL_UNKNOWN_APPLICATION',
        message: 'release "foo": application "kv-servr" is not in this workspace (known: "kv", "kv-server")',
      }),
    );
    expect(check({ foo: { version: '0.1.0', applications: { 'kv-server': 'permament' } } })).toThrow(
      'release "foo": mode "permament" for "kv-server" must be one of permanent, transient, temporary, load, none',
    );
    expect(check({ foo: { applications: { kv: 'permanent' } } })).toThrow('release "foo": version is missing; add version: \'0.1.0\'');
    expect(check({ foo: { version: '', applications: { kv: 'permanent' } } })).toThrow('release "foo": version must be a string such as');
    expect(check({ foo: { version: '1', applications: {} } })).toThrow('release "foo": applications must be a non-empty object { app: mode }, got {}');
    expect(check({ foo: { version: '1' } })).toThrow('release "foo": applications is missing');
    expect(check({ 'foo/bar': { version: '1', applications: { kv: 'permanent' } } })).toThrow(
      'release name "foo/bar" is not a valid file name; use letters, digits, "-" and "_"',
    );
    expect(check({ foo: { version: '1', applications: { kv: 'permanent' }, aplications: {} } })).toThrow('Invalid option in release "foo": "aplications"');
    expect(check({ foo: { version: '1', applications: { kv: 'permanent' }, node: 3 } })).toThrow(
      `release "foo": node must be a pinned Node line ('26' (default), '24') or the path of a Node binary, got 3`,
    );
  });

  it("takes node as a pinned line ('24', '26') or a binary's path, and names the release and field otherwise", () => {
    for (const node of ['24', '26', '/usr/local/bin/node', './node']) {
      expect(check({ foo: { version: '1', applications: { kv: 'permanent' }, node } })).not.toThrow();
    }
    expect(check({ foo: { version: '1', applications: { kv: 'permanent' }, node: '22' } })).toThrow(
      `release "foo": node "22" is not a Node line kvrel pins; use '26' (default), '24', or the path of a Node binary such as process.execPath`,
    );
    expect(check({ foo: { version: '1', applications: { kv: 'permanent' }, node: '' } })).toThrow('release "foo": node must be a pinned Node line');
  });

  it('refuses a config that is not an object of releases', () => {
    expect(check(undefined)).toThrow('releases.config.ts must default-export defineReleases');
    expect(check({})).toThrow('releases.config.ts defines no release');
  });
});
