import { randomBytes } from 'node:crypto';
import { chmod, copyFile, mkdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { resolveCacheDir } from './cache-dir.js';
import { readVerifiedSha256 } from './embedded-node.js';
import { hashFile } from './file-hash.js';
import { envWithoutNodeOptions, formatExit, isMissingProgram, runProcess } from '../process/run-process.js';
import { firstLine } from './sea-error.js';
import { silentReporter, type Reporter } from '../reporter.js';

export interface StrippedBase {
  /** The binary to copy and inject into: the stripped copy, or the base itself when stripping failed. */
  path: string;
  /** sha256 of the base binary (the cache key). */
  sha256: string;
  stripped: boolean;
  /** True when an earlier build's stripped copy was reused. */
  reused: boolean;
  /** Time spent hashing and stripping (0 when reused and the hash was known). */
  durationMs: number;
}

export interface EnsureStrippedBaseOptions {
  /** Default: `resolveCacheDir()`. Copies live in `<cacheDir>/stripped/<version>-<sha256>/node`. */
  cacheDir?: string | undefined;
  /** The base's sha256 when the caller knows it; else read from the embedded-node marker, else hashed. */
  sha256?: string;
  reporter?: Reporter;
  /** Default `strip` (binutils); `aarch64-linux-gnu-strip` for an arm64 base on an x64 host. */
  stripCommand?: string;
  /** Default true: the stripped copy is run (`--version`) to check it; false for a base that cannot run here. */
  verifiable?: boolean;
  /** The base's version (`v26.12.1`), named in the cache folder so each Node version's copy is found by eye. */
  version?: string;
}

/** `<cacheDir>/stripped/v26.12.1-<sha256>/node` (`<sha256>/node` when the version is not known). */
export function strippedBasePath(cacheDir: string, sha256: string, version?: string): string {
  return join(cacheDir, 'stripped', version ? `${version}-${sha256}` : sha256, 'node');
}

/**
 * A stripped copy of `nodeBinary`, made once per distinct binary and reused by later builds. It must be
 * stripped BEFORE injection: `strip` on an injected SEA makes it segfault. The cache is kvrel's own, not the
 * binary's directory, which may not be writable (`--node /usr/bin/node`). Without a working `strip` it warns
 * and returns the base itself: the SEA then works but is ~18 MB larger and injection takes ~2x as long.
 */
export async function ensureStrippedBase(nodeBinary: string, options: EnsureStrippedBaseOptions = {}): Promise<StrippedBase> {
  const started = performance.now();
  const base = resolve(nodeBinary);
  const reporter = options.reporter ?? silentReporter;
  const sha256 = options.sha256 ?? (await readVerifiedSha256(base)) ?? (await hashFile(base, 'sha256'));
  const target = strippedBasePath(options.cacheDir ?? resolveCacheDir(), sha256, options.version);
  const elapsed = (): number => performance.now() - started;

  const existing = await stat(target).catch(() => undefined);
  if (existing?.isFile()) return { path: target, sha256, stripped: true, reused: true, durationMs: elapsed() };

  await mkdir(dirname(target), { recursive: true });
  const temp = `${target}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    await copyFile(base, temp);
    const problem = await stripInPlace(temp, base, options.stripCommand ?? 'strip', options.verifiable ?? true);
    if (problem) {
      reporter.warn(
        `could not strip ${base} (${problem}); using it unstripped, so each SEA is ~18 MB larger and slower to build; ` +
          `install ${crossBinutils(options.stripCommand) ?? 'binutils'} to fix this`,
      );
      return { path: base, sha256, stripped: false, reused: false, durationMs: elapsed() };
    }
    await chmod(temp, 0o755);
    // Atomic: a racing build renames an identical file over it, and readers never see a partial copy.
    await rename(temp, target);
    return { path: target, sha256, stripped: true, reused: false, durationMs: elapsed() };
  } finally {
    await rm(temp, { force: true });
  }
}

/** Strips `copy`, then checks it still answers `--version` as `base` does. Returns what went wrong, if anything. */
async function stripInPlace(copy: string, base: string, stripCommand: string, verifiable: boolean): Promise<string | undefined> {
  try {
    const result = await runProcess(stripCommand, [copy], { timeoutMs: 120_000 });
    if (result.exitCode !== 0) return `${stripCommand} ${formatExit(result, 120_000)}: ${firstLine(result.stderr)}`;
  } catch (error) {
    if (isMissingProgram(error)) return `${stripCommand} was not found on PATH`;
    return `${stripCommand} could not be run: ${(error as Error).message}`;
  }
  if (!verifiable) return undefined;
  const env = envWithoutNodeOptions();
  const [before, after] = await Promise.all([
    runProcess(base, ['--version'], { env, timeoutMs: 30_000 }),
    runProcess(copy, ['--version'], { env, timeoutMs: 30_000 }),
  ]);
  if (after.exitCode !== 0 || after.stdout !== before.stdout) {
    return `the stripped copy no longer runs: --version ${formatExit(after, 30_000)} printing ${JSON.stringify(after.stdout.trim())}`;
  }
  return undefined;
}

/** `aarch64-linux-gnu-strip` → `binutils-aarch64-linux-gnu`, Debian's package of binutils for that architecture. */
function crossBinutils(stripCommand: string | undefined): string | undefined {
  const triplet = /^([\w]+-linux-gnu)-strip$/.exec(stripCommand ?? '')?.[1];
  return triplet ? `binutils-${triplet}` : undefined;
}
