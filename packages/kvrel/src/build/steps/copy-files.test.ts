import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { recordingReporter } from '../reporter.js';
import type { Release, ReleaseApplication } from '../release/release.js';
import { copyOverlaysStep } from './copy-overlays.js';
import { copyPrivStep } from './copy-priv.js';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

function project(): { root: string; release: Release } {
  const root = mkdtempSync(join(tmpdir(), 'kvrel-copy-steps-'));
  dirs.push(root);
  const write = (file: string, text: string) => {
    mkdirSync(join(root, file, '..'), { recursive: true });
    writeFileSync(join(root, file), text);
  };
  write('rel/overlays/bin/migrate', '#!/bin/sh\n');
  write('rel/overlays/README.txt', 'from rel/overlays');
  write('extra/README.txt', 'from extra, copied after');
  write('apps/api/priv/greeting.txt', 'hello');
  const api = { name: '@acme/api', dir: join(root, 'apps/api') } as ReleaseApplication;
  const jobs = { name: 'jobs', dir: join(root, 'apps/jobs') } as ReleaseApplication;
  const path = join(root, '_build/prod/rel/api');
  const release = {
    name: 'api',
    version: '1.0.0',
    root,
    path,
    versionPath: join(path, 'releases/1.0.0'),
    applications: [api, jobs],
    overlays: ['rel/overlays', 'extra'],
  } as unknown as Release;
  return { root, release };
}

describe('copying overlays', () => {
  it('copies rel/overlays and each overlays folder into the release root, later ones winning', async () => {
    const { release } = project();
    await copyOverlaysStep.run(release, recordingReporter());
    expect(existsSync(join(release.path, 'bin/migrate'))).toBe(true);
    expect(readFileSync(join(release.path, 'README.txt'), 'utf8')).toBe('from extra, copied after');
  });

  it('refuses an overlay that is not a folder, naming the release and the overlay', async () => {
    const { release } = project();
    await expect(copyOverlaysStep.run({ ...release, overlays: ['nope'] }, recordingReporter())).rejects.toThrow(
      /^release "api": overlay "nope" is not a folder/,
    );
  });
});

describe('copying priv', () => {
  it("ships each application's priv/ folder under releases/<vsn>/priv/<app>", async () => {
    const { release } = project();
    await copyPrivStep.run(release, recordingReporter());
    expect(readFileSync(join(release.versionPath, 'priv/@acme/api/greeting.txt'), 'utf8')).toBe('hello');
    expect(existsSync(join(release.versionPath, 'priv/jobs'))).toBe(false);
    expect(copyPrivStep.summary?.(release)).toBe('@acme/api');
  });
});
