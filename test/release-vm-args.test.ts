/**
 * vm.args is checked when a release is built: a flag Node refuses fails the build with one line,
 * and a flag that invalidates the code cache is a warning (run against a copy of the built foo).
 */
import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { probeRelease } from '../packages/kvrel/src/build/steps/probe-executable.js';
import { recordingReporter } from '../packages/kvrel/src/build/reporter.js';
import type { Release } from '../packages/kvrel/src/build/release/release.js';
import { copyRelease, removeReleaseCopies } from './helpers/releases.js';
import { repoRoot } from './helpers/repo.js';

afterAll(() => removeReleaseCopies());

function releaseAt(path: string): Release {
  return {
    name: 'foo',
    version: '0.0.1',
    env: 'prod',
    root: repoRoot,
    path,
    versionPath: join(path, 'releases', '0.0.1'),
    applications: [],
    nodeRequested: undefined,
    target: 'linux-x64',
    cookie: undefined,
    tar: false,
    overlays: [],
    external: [],
    keepOldVersions: false,
    workDir: join(path, 'kvrel-cache'),
    tarPath: join(path, 'foo-0.0.1.tar.gz'),
    // Only what the vm.args check reads of the earlier steps' facts.
    baseBinary: {
      path: '',
      info: {} as NonNullable<Release['baseBinary']>['info'],
      vmArgsVia: 'cli',
      embedded: true,
      target: 'linux-x64',
      runs: 'native',
      builder: '',
    },
    executable: { path: join(path, 'releases', '0.0.1', 'foo'), reused: false, key: 'copy' },
  };
}

describe('vm.args checked at build time', () => {
  it('accepts the default options silently', async () => {
    const reporter = recordingReporter();
    const release = releaseAt(copyRelease('foo'));
    writeFileSync(join(release.versionPath, 'vm.args'), '# comment\n--max-old-space-size=200\n');
    expect((await probeRelease(release, reporter)).vmArgs).toEqual(['--max-old-space-size=200']);
    expect(reporter.lines).toEqual([]);
  });

  it('warns about a flag that invalidates the code cache', async () => {
    const reporter = recordingReporter();
    const release = releaseAt(copyRelease('foo'));
    appendFileSync(join(release.versionPath, 'vm.args'), '\n--stack-trace-limit=33\n');
    await probeRelease(release, reporter);
    expect(reporter.lines).toEqual([expect.stringMatching(/^warning: rel\/vm\.args\.eex: --stack-trace-limit=33 changes V8's code cache check/)]);
  });

  it('fails on a flag Node refuses, naming the file and the option', async () => {
    const release = releaseAt(copyRelease('foo'));
    appendFileSync(join(release.versionPath, 'vm.args'), '\n--no-such-flag\n');
    await expect(probeRelease(release, recordingReporter())).rejects.toThrow(
      /^release "foo": rel\/vm\.args\.eex holds an option Node refuses: .*bad option: --no-such-flag$/,
    );
  });
});
