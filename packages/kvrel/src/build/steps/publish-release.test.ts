import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { recordingReporter } from '../reporter.js';
import type { Release } from '../release/release.js';
import { publishReleaseStep } from './publish-release.js';

const children: ChildProcess[] = [];
const dirs: string[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A release folder holding `versions` (each executable a copy of sleep) and an assembled `version`. */
function setUp(version: string, versions: readonly string[]): Release {
  const root = mkdtempSync(join(tmpdir(), 'kvrel-publish-'));
  dirs.push(root);
  const path = join(root, 'rel', 'foo');
  for (const v of versions) {
    mkdirSync(join(path, 'releases', v), { recursive: true });
    copyFileSync('/bin/sleep', join(path, 'releases', v, 'foo'));
    writeFileSync(join(path, 'releases', v, 'env.sh'), `# ${v}\n`);
  }
  mkdirSync(join(path, 'bin'), { recursive: true });
  writeFileSync(join(path, 'bin', 'foo'), 'old bin\n');
  const versionPath = join(root, 'stage', 'releases', version);
  mkdirSync(join(versionPath, 'lib'), { recursive: true });
  copyFileSync('/bin/sleep', join(versionPath, 'foo'));
  writeFileSync(join(versionPath, 'env.sh'), `# ${version} new\n`);
  writeFileSync(join(versionPath, 'lib', 'node.mjs'), 'export {};\n');
  mkdirSync(join(root, 'stage', 'bin'));
  writeFileSync(join(root, 'stage', 'bin', 'foo'), 'new bin\n', { mode: 0o755 });
  return { name: 'foo', version, path, versionPath, keepOldVersions: false } as unknown as Release;
}

async function runFrom(executable: string): Promise<ChildProcess> {
  const child = spawn(executable, ['30'], { stdio: 'ignore' });
  children.push(child);
  await new Promise((resolve) => child.once('spawn', resolve));
  return child;
}

describe('publishing', () => {
  it('switches to the new version, renames bin/ over the old one, and removes versions no process runs', async () => {
    const release = setUp('0.0.2', ['0.0.0', '0.0.1']);
    const node = await runFrom(join(release.path, 'releases', '0.0.1', 'foo'));
    const reporter = recordingReporter();
    const published = await publishReleaseStep.run(release, reporter);
    expect(readdirSync(join(release.path, 'releases')).sort()).toEqual(['0.0.1', '0.0.2']);
    expect(readFileSync(join(release.path, 'releases', '0.0.2', 'env.sh'), 'utf8')).toBe('# 0.0.2 new\n');
    expect(readFileSync(join(release.path, 'releases', '0.0.2', 'lib', 'node.mjs'), 'utf8')).toBe('export {};\n');
    expect(readFileSync(join(release.path, 'bin', 'foo'), 'utf8')).toBe('new bin\n');
    expect(statSync(join(release.path, 'bin', 'foo')).mode & 0o777).toBe(0o755);
    expect(reporter.lines).toEqual([`  kept releases/0.0.1: pid ${node.pid} runs from it; it is removed by the first build after that node stops`]);
    expect(publishReleaseStep.summary?.(published)).toBe('releases/0.0.2; still in use: 0.0.1');
    node.kill('SIGKILL');
    await new Promise((resolve) => node.once('exit', resolve));
    await publishReleaseStep.run(release, recordingReporter());
    expect(readdirSync(join(release.path, 'releases'))).toEqual(['0.0.2']);
  });

  it('sets the same version aside while a process runs from it, with the executable hard-linked, not copied', async () => {
    const release = setUp('0.0.1', ['0.0.1']);
    const node = await runFrom(join(release.path, 'releases', '0.0.1', 'foo'));
    await publishReleaseStep.run(release, recordingReporter());
    const folders = readdirSync(join(release.path, 'releases')).sort();
    expect(folders).toEqual([expect.stringMatching(/^\.0\.0\.1\.replaced-\d+-\d+$/), '0.0.1']);
    expect(readFileSync(join(release.path, 'releases', folders[0]!, 'env.sh'), 'utf8')).toBe('# 0.0.1\n');
    expect(readFileSync(join(release.path, 'releases', '0.0.1', 'env.sh'), 'utf8')).toBe('# 0.0.1 new\n');
    expect(statSync(join(release.path, 'releases', '0.0.1', 'foo')).ino).toBe(statSync(join(release.versionPath, 'foo')).ino);
    expect(node.exitCode).toBe(null);
    expect(existsSync(join(release.path, 'releases', `.0.0.1.incoming-${process.pid}`))).toBe(false);
  });
});
