import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  assertExecArgvSupport,
  assertSeaSupport,
  inspectNodeBinary,
  parseNodeVersion,
  supportsBuildSea,
  supportsExecArgv,
  type NodeBinaryInfo,
} from './base-binary.js';

let dir = '';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kvrel-node-binary-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A fake `node` that answers kvrel's probe with `answer`. */
async function fakeNode(name: string, script: string): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, `#!/bin/sh\n${script}\n`, { mode: 0o755 });
  return file;
}

const answer = (fields: object) => `echo '${JSON.stringify({ platform: 'linux', arch: 'x64', ...fields })}'`;

describe('parseNodeVersion and supportsExecArgv', () => {
  test('parse v-prefixed versions only', () => {
    expect(parseNodeVersion('v24.21.0')).toEqual({ major: 24, minor: 21, patch: 0 });
    expect(parseNodeVersion('24.21.0')).toBeUndefined();
  });

  test('execArgv arrived in 24.7.0', () => {
    expect(supportsExecArgv({ major: 20, minor: 20, patch: 2 })).toBe(false);
    expect(supportsExecArgv({ major: 22, minor: 22, patch: 2 })).toBe(false);
    expect(supportsExecArgv({ major: 24, minor: 6, patch: 0 })).toBe(false);
    expect(supportsExecArgv({ major: 24, minor: 7, patch: 0 })).toBe(true);
    expect(supportsExecArgv({ major: 26, minor: 10, patch: 0 })).toBe(true);
  });

  test('node --build-sea arrived in 25.5.0: Node 26 builds in one step, Node 24 through postject', () => {
    expect(supportsBuildSea({ major: 24, minor: 22, patch: 3 })).toBe(false);
    expect(supportsBuildSea({ major: 25, minor: 4, patch: 0 })).toBe(false);
    expect(supportsBuildSea({ major: 25, minor: 5, patch: 0 })).toBe(true);
    expect(supportsBuildSea({ major: 26, minor: 12, patch: 1 })).toBe(true);
  });
});

describe('inspectNodeBinary', () => {
  test('reports the running Node', async () => {
    const info = await inspectNodeBinary(process.execPath);
    expect(info).toMatchObject({ path: process.execPath, version: process.version, supportsSea: true });
  });

  test('refuses Node 18 naming the path and version', async () => {
    const node = await fakeNode('node18', answer({ version: 'v18.20.0', seaModule: false, seaBuild: true }));
    const info = await inspectNodeBinary(node);
    expect(info.supportsSea).toBe(false);
    expect(() => assertSeaSupport(info)).toThrow(
      `node binary ${node} (v18.20.0) cannot build single executable applications; use Node 20 or later (Node 26 LTS recommended)`,
    );
  });

  test('refuses a Node 20+ built without SEA support', async () => {
    const node = await fakeNode('nosea', answer({ version: 'v22.1.0', seaModule: false, seaBuild: false }));
    expect(() => assertSeaSupport(info(node, 'v22.1.0', false))).toThrow(
      `node binary ${node} (v22.1.0) was built without single executable application support; use an official Node build (Node 26 LTS recommended)`,
    );
    expect((await inspectNodeBinary(node)).supportsSea).toBe(false);
  });

  test('says when the file does not exist', async () => {
    await expect(inspectNodeBinary(join(dir, 'missing'))).rejects.toThrow(
      `node binary ${join(dir, 'missing')} does not exist; pass --node PATH to a Node 20 or later binary (Node 26 LTS recommended)`,
    );
  });

  test('says when the program does not answer as Node does', async () => {
    const node = await fakeNode('notnode', 'echo hello');
    await expect(inspectNodeBinary(node)).rejects.toMatchObject({
      code: 'KVREL_NODE_BINARY_UNUSABLE',
      message:
        `node binary ${node} did not answer as Node does (is it a Node binary, not a SEA?); pass --node PATH to a Node 20 or later binary ` +
        `(Node 26 LTS recommended)`,
    });
  });

  test('says how the program failed', async () => {
    const node = await fakeNode('broken', 'echo "boom: no libc" >&2; exit 3');
    await expect(inspectNodeBinary(node)).rejects.toThrow(`node binary ${node} could not be run: it exited with code 3 (boom: no libc); pass --node PATH`);
  });
});

describe('assertExecArgvSupport', () => {
  test('refuses execArgv for a Node that would silently ignore it', () => {
    expect(() => assertExecArgvSupport(info('/usr/bin/node', 'v20.20.2', true), 'execArgv')).toThrow(
      'node binary /usr/bin/node (v20.20.2) ignores execArgv in sea-config; use Node 24.7 or later (the embedded Node 26 LTS does) or leave vm.args empty',
    );
    expect(() => assertExecArgvSupport(info('/n', 'v24.21.0', true), 'execArgv')).not.toThrow();
  });
});

function info(path: string, version: string, supportsSea: boolean): NodeBinaryInfo {
  const parsed = parseNodeVersion(version)!;
  return {
    path,
    version,
    ...parsed,
    platform: 'linux',
    arch: 'x64',
    supportsSea,
    supportsExecArgv: supportsExecArgv(parsed),
    supportsBuildSea: supportsBuildSea(parsed),
  };
}
