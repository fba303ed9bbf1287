import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, copyFile, mkdir, mkdtemp, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { assertExecArgvSupport, assertSeaSupport, inspectNodeBinary, type NodeBinaryInfo } from './base-binary.js';
import { envWithoutNodeOptions, formatExit, runProcess } from '../process/run-process.js';
import { resolveSeaConfig, validateSeaConfigInput, type ExecArgvExtension, type SeaConfig } from './sea-config.js';
import { SeaError, firstLine } from './sea-error.js';
import { silentReporter, type Reporter } from '../reporter.js';
import { ensureStrippedBase } from './stripped-base.js';
import { replaceSeaBlob } from './replace-sea-blob.js';

/** The fuse Node looks for to know a blob was injected (`NODE_SEA_FUSE_<hash>`, from Node's docs). */
export const SEA_SENTINEL_FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';
export const SEA_RESOURCE_NAME = 'NODE_SEA_BLOB';

export interface BuildSeaOptions {
  /** The base binary; the blob is generated with this same binary (blobs only run on the Node that made them). */
  nodeBinary: string;
  /** One CommonJS file (SEA mains can require built-ins only). */
  bundleFile: string;
  outputFile: string;
  /** Default true. */
  useCodeCache?: boolean;
  /** Default false. The bundle must then call `v8.startupSnapshot.setDeserializeMainFunction`. */
  useSnapshot?: boolean;
  /** Node flags baked into the SEA (Node ≥ 24.7). */
  execArgv?: readonly string[];
  execArgvExtension?: ExecArgvExtension;
  /** Asset key → file, read at run time with `require('node:sea').getAsset(key)`. */
  assets?: Readonly<Record<string, string>>;
  /**
   * An executable made by buildSea from the same base, main and options but other assets: only its
   * blob is replaced (replace-sea-blob.ts), else it is built anew.
   */
  previousExecutable?: string;
  /**
   * What the base is, when the caller knows it without running it (a base for another platform);
   * default: asked of `nodeBinary`.
   */
  baseInfo?: NodeBinaryInfo;
  /**
   * The Node that runs `--build-sea` (or makes the blob): default `nodeBinary`. The host's Node of the
   * same version can build a base for another platform, without a code cache (V8's is per architecture).
   */
  builderBinary?: string;
  /** strip for the base's architecture (default `strip`), and whether the stripped copy can be run here to check it. */
  stripCommand?: string;
  stripVerifiable?: boolean;
  /** Where the stripped base is cached. Default: `resolveCacheDir()`. */
  cacheDir?: string;
  reporter?: Reporter;
}

export interface BuildSeaTimings {
  inspectMs: number;
  stripMs: number;
  blobMs: number;
  /** Copying the base and running postject, `node --build-sea`, or replacing the previous executable's blob (excludes waiting for another build). */
  injectMs: number;
  totalMs: number;
}

export interface BuildSeaResult {
  outputFile: string;
  /** The previous executable's blob was replaced (previousExecutable). */
  blobReplaced: boolean;
  size: number;
  /** 0 when `node --build-sea` made it (the blob never reaches a file). */
  blobSize: number;
  node: NodeBinaryInfo;
  stripped: boolean;
  timings: BuildSeaTimings;
}

/**
 * Makes one single executable application from the stripped base, renamed into `outputFile` only when
 * complete. The only place that knows how a SEA is made: Node ≥ 25.5 (the embedded Node 26) writes it
 * in one step with `node --build-sea`; older bases (Node 24, a `--node PATH` binary) go through
 * sea-config.json → blob (with `nodeBinary` itself) → copy of the base → postject → chmod 755.
 * Either way the whole binary passes through memory (~0.6–0.75 GB peak), so builds run one at a time.
 */
export async function buildSea(options: BuildSeaOptions): Promise<BuildSeaResult> {
  validateSeaConfigInput({ ...options, blobFile: '' });
  const started = performance.now();
  const reporter = options.reporter ?? silentReporter;
  const node = options.baseInfo ?? (await inspectNodeBinary(options.nodeBinary));
  assertSeaSupport(node);
  if (options.execArgv !== undefined) assertExecArgvSupport(node, 'execArgv');
  if (options.execArgvExtension !== undefined) assertExecArgvSupport(node, 'execArgvExtension');
  const inspectMs = performance.now() - started;

  const base = await ensureStrippedBase(node.path, {
    cacheDir: options.cacheDir,
    reporter,
    version: node.version,
    ...(options.stripCommand ? { stripCommand: options.stripCommand } : {}),
    ...(options.stripVerifiable === false ? { verifiable: false } : {}),
  });
  const outputFile = resolve(options.outputFile);
  const work = await mkdtemp(join(tmpdir(), 'kvrel-sea-'));
  try {
    const result = (timings: Omit<BuildSeaTimings, 'inspectMs' | 'stripMs' | 'totalMs'>, blobSize: number, blobReplaced = false) =>
      stat(outputFile).then(({ size }) => ({
        outputFile,
        blobReplaced,
        size,
        blobSize,
        node,
        stripped: base.stripped,
        timings: { inspectMs, stripMs: base.durationMs, ...timings, totalMs: performance.now() - started },
      }));
    if (options.previousExecutable !== undefined && existsSync(options.previousExecutable)) {
      const blobStarted = performance.now();
      const blob = await generateBlob(
        { ...node, path: options.builderBinary ?? node.path },
        resolveSeaConfig({ ...options, blobFile: join(work, 'sea.blob') }),
        work,
      );
      const blobMs = performance.now() - blobStarted;
      const injectStarted = performance.now();
      if (await oneAtATime(() => replaceSeaBlob(options.previousExecutable!, blob, outputFile)))
        return await result({ blobMs, injectMs: performance.now() - injectStarted }, blob.length, true);
    }
    if (node.supportsBuildSea) {
      // One step: Node writes the executable from the stripped base (no blob file, no postject).
      const injectMs = await oneAtATime(() => buildInOneStep(node, base.path, options, work, outputFile));
      return await result({ blobMs: 0, injectMs }, 0);
    }
    const config = resolveSeaConfig({ ...options, blobFile: join(work, 'sea.blob') });
    const blobStarted = performance.now();
    const blob = await generateBlob({ ...node, path: options.builderBinary ?? node.path }, config, work);
    const blobMs = performance.now() - blobStarted;
    const injectMs = await oneAtATime(() => injectBlob(base.path, blob, outputFile));
    return await result({ blobMs, injectMs }, blob.length);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/**
 * `node --build-sea` (25.5+): the config's `executable` names the base (the stripped copy) and `output`
 * the executable, written to a temp file renamed into place when complete. Run by the base's own node,
 * since the code cache it embeds is only valid for that V8.
 */
async function buildInOneStep(node: NodeBinaryInfo, base: string, options: BuildSeaOptions, work: string, outputFile: string): Promise<number> {
  const started = performance.now();
  await mkdir(dirname(outputFile), { recursive: true });
  const temp = `${outputFile}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  const config: SeaConfig = { ...resolveSeaConfig({ ...options, blobFile: temp }), executable: base };
  const configFile = join(work, 'sea-config.json');
  await writeFile(configFile, `${JSON.stringify(config, null, 2)}\n`);
  try {
    const run = await runProcess(options.builderBinary ?? node.path, ['--build-sea', configFile], {
      cwd: work,
      env: envWithoutNodeOptions(),
      timeoutMs: 300_000,
    });
    if (run.exitCode !== 0 || !(await stat(temp).catch(() => undefined))?.isFile()) {
      const reason = run.exitCode !== 0 ? `it ${formatExit(run, 300_000)}: ${formatBlobFailure(run.stderr)}` : `it exited 0 but wrote no executable at ${temp}`;
      throw new SeaError(
        'KVREL_SEA_BLOB_FAILED',
        `could not build the single executable of ${config.main} with node binary ${node.path} (${node.version}) --build-sea: ${reason}; ` +
          'check that the bundle is one CommonJS file that this Node can compile',
      );
    }
    await chmod(temp, 0o755);
    await rename(temp, outputFile);
    return performance.now() - started;
  } finally {
    await rm(temp, { force: true });
  }
}

async function generateBlob(node: NodeBinaryInfo, config: SeaConfig, work: string): Promise<Buffer> {
  const configFile = join(work, 'sea-config.json');
  await writeFile(configFile, `${JSON.stringify(config, null, 2)}\n`);
  const fail = (reason: string): never => {
    throw new SeaError(
      'KVREL_SEA_BLOB_FAILED',
      `could not generate the SEA blob of ${config.main} with node binary ${node.path} (${node.version}): ${reason}; ` +
        'check that the bundle is one CommonJS file that this Node can compile',
    );
  };
  const result = await runProcess(node.path, ['--experimental-sea-config', configFile], {
    cwd: work,
    env: envWithoutNodeOptions(),
    timeoutMs: 300_000,
  });
  if (result.exitCode !== 0) fail(`it ${formatExit(result, 300_000)}: ${formatBlobFailure(result.stderr)}`);
  return readFile(config.output).catch(() => fail(`it exited 0 but wrote no blob at ${config.output}`));
}

/**
 * The line of Node's blob-generation output that says why: `SyntaxError: … at bundle.cjs:1` for a bundle
 * that does not compile (Node prints the source location first), else its last line
 * (`Cannot read main script …`, `Cannot write output to …`).
 */
export function formatBlobFailure(stderr: string): string {
  const lines = stderr
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '');
  const error = lines.find((line) => /^[A-Z]\w*Error\b/.test(line));
  const location = lines[0] !== undefined && /:\d+$/.test(lines[0]) ? ` at ${lines[0]}` : '';
  return error ? `${error}${location}` : (lines.at(-1) ?? 'no output');
}

async function injectBlob(basePath: string, blob: Buffer, outputFile: string): Promise<number> {
  const started = performance.now();
  const temp = `${outputFile}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    await mkdir(dirname(outputFile), { recursive: true });
    await copyFile(basePath, temp);
    await chmod(temp, 0o755);
    const { inject } = await import('postject');
    await withPostjectContained(() => inject(temp, SEA_RESOURCE_NAME, blob, { sentinelFuse: SEA_SENTINEL_FUSE }));
    await chmod(temp, 0o755);
    await rename(temp, outputFile);
    return performance.now() - started;
  } catch (error) {
    const reason = firstLine((error as Error).message);
    throw new SeaError(
      'KVREL_SEA_INJECT_FAILED',
      `could not inject the SEA blob into ${outputFile} with postject: ${reason}; ${injectFix(reason, basePath, outputFile)}`,
      { cause: error },
    );
  } finally {
    await rm(temp, { force: true });
  }
}

/** The fix to suggest for a postject or file-system failure. */
export function injectFix(reason: string, basePath: string, outputFile: string): string {
  if (/Could not find the sentinel/i.test(reason)) {
    return `the base binary ${basePath} has no SEA fuse; pass --node PATH to an official Node build`;
  }
  if (/Multiple occurences|already exists/i.test(reason)) {
    return `the base binary ${basePath} already holds a SEA; pass --node PATH to a plain Node binary, not a built release`;
  }
  if (/ENOSPC|EACCES|EPERM|EROFS|read and write|Couldn't (read|write)/i.test(reason)) {
    return `check that ${dirname(outputFile)} is writable and has ~200 MB free`;
  }
  return 'pass --node PATH to an official Node 20 or later binary (Node 26 LTS recommended)';
}

/**
 * Runs postject without its side effects on this process:
 * - its ELF writer prints "Can't find string offset for section name '.note…'" through console.warn a
 *   dozen times per injection; harmless (nodejs/postject#83), so those lines are dropped, others pass on;
 * - its emscripten glue adds an `uncaughtException` and an `unhandledRejection` listener per call, which
 *   keep the ~0.4 GB wasm heap alive (RSS grew 739 → 1164 → 1587 MiB over three builds) and would trip
 *   MaxListenersExceededWarning after ten releases; they are removed afterwards.
 * Swapping console.warn is safe because injections never overlap (`oneAtATime`).
 */
async function withPostjectContained<T>(task: () => Promise<T>): Promise<T> {
  type Listener = (...args: unknown[]) => void;
  const emitter: NodeJS.EventEmitter = process;
  const events = ['uncaughtException', 'unhandledRejection'];
  const listeners = (event: string): Listener[] => emitter.listeners(event) as Listener[];
  const before = new Map(events.map((event) => [event, new Set(listeners(event))]));
  const warn = console.warn;
  console.warn = (...args: unknown[]) => {
    if (args.length === 1 && typeof args[0] === 'string' && args[0].includes("Can't find string offset")) return;
    warn.apply(console, args);
  };
  try {
    return await task();
  } finally {
    console.warn = warn;
    for (const event of events) {
      for (const listener of listeners(event)) {
        if (!before.get(event)?.has(listener)) emitter.removeListener(event, listener);
      }
    }
  }
}

let lastInjection: Promise<unknown> = Promise.resolve();

/** Runs injections one after another within this process (each peaks near 0.75 GB). */
function oneAtATime<T>(task: () => Promise<T>): Promise<T> {
  const run = lastInjection.then(task, task);
  lastInjection = run.catch(() => undefined);
  return run;
}
