import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { executableOf, releaseFolderOf, runsRelease } from './release-process.js';

const children: ChildProcess[] = [];
const dirs: string[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A release folder whose releases/<version>/foo is a copy of `sleep`, started; returns the root. */
async function sleepingRelease(version: string): Promise<{ releases: string; child: ChildProcess }> {
  const root = mkdtempSync(join(tmpdir(), 'kvrel-release-process-'));
  dirs.push(root);
  const releases = join(root, 'releases');
  mkdirSync(join(releases, version), { recursive: true });
  copyFileSync('/bin/sleep', join(releases, version, 'foo'));
  const child = spawn(join(releases, version, 'foo'), ['30'], { stdio: 'ignore' });
  children.push(child);
  await new Promise((resolve) => child.once('spawn', resolve));
  return { releases, child };
}

describe('runsRelease', () => {
  it('knows a node of the release by the version folder it runs from, also once that folder is renamed or gone', async () => {
    const { releases, child } = await sleepingRelease('0.0.1');
    expect(runsRelease(child.pid!, releases, 'foo')).toBe(true);
    expect(releaseFolderOf(child.pid!, releases, 'foo')).toBe('0.0.1');
    renameSync(join(releases, '0.0.1'), join(releases, '.0.0.1.old'));
    expect(releaseFolderOf(child.pid!, releases, 'foo')).toBe('.0.0.1.old');
    rmSync(join(releases, '.0.0.1.old'), { recursive: true });
    expect(runsRelease(child.pid!, releases, 'foo')).toBe(true);
  });

  it('does not take an unrelated live process, or another release, for the node', async () => {
    const { releases, child } = await sleepingRelease('0.0.1');
    expect(runsRelease(process.pid, releases, 'foo')).toBe(false);
    expect(runsRelease(child.pid!, releases, 'bar')).toBe(false);
    expect(runsRelease(child.pid!, join(releases, '..', 'elsewhere'), 'foo')).toBe(false);
  });

  it('says no for a pid that is gone', () => {
    expect(runsRelease(2 ** 22 + 12345, '/nowhere/releases', 'foo')).toBe(false);
  });
});

describe('executableOf', () => {
  it('sees through qemu-user: an emulated release runs as the emulator, its path next on the command line', () => {
    const proc = mkdtempSync(join(tmpdir(), 'kvrel-proc-'));
    dirs.push(proc);
    const release = '/srv/foo/releases/0.0.1/foo';
    mkdirSync(join(proc, '42'));
    symlinkSync('/usr/libexec/qemu-binfmt/aarch64-binfmt-P', join(proc, '42', 'exe'));
    writeFileSync(join(proc, '42', 'cmdline'), ['/usr/libexec/qemu-binfmt/aarch64-binfmt-P', release, release, 'start', ''].join('\0'));
    expect(executableOf(42, proc)).toBe(release);
    mkdirSync(join(proc, '43'));
    symlinkSync('/usr/bin/qemu-aarch64-static', join(proc, '43', 'exe'));
    writeFileSync(join(proc, '43', 'cmdline'), ['/usr/bin/qemu-aarch64-static', release, 'start', ''].join('\0'));
    expect(executableOf(43, proc)).toBe(release);
    mkdirSync(join(proc, '44'));
    symlinkSync('/usr/bin/sleep', join(proc, '44', 'exe'));
    writeFileSync(join(proc, '44', 'cmdline'), ['sleep', '30', ''].join('\0'));
    expect(executableOf(44, proc)).toBe('/usr/bin/sleep');
  });
});
