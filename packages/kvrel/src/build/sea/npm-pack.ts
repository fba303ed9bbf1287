import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { isMissingProgram, runProcess, type ProcessResult } from '../process/run-process.js';

/** Runs `npm <args>` in `cwd`. Injected by tests to count or fake registry calls. */
export type NpmRunner = (args: readonly string[], options: { cwd: string }) => Promise<ProcessResult>;

export const runNpm: NpmRunner = (args, { cwd }) => runProcess('npm', args, { cwd, timeoutMs: 15 * 60_000 });

/** `npm pack` failed; `reason` is one line fit to follow "through npm: ". */
export class NpmPackError extends Error {
  override readonly name = 'NpmPackError';
}

/**
 * Downloads one package tarball with `npm pack <spec>` into `destination` and returns its path. npm
 * checks the registry's integrity on the way; callers check the pinned one themselves. Scripts never run.
 */
export async function packFromNpm(spec: string, destination: string, run: NpmRunner = runNpm): Promise<string> {
  let result: ProcessResult;
  try {
    result = await run(['pack', spec, '--pack-destination', destination, '--json', '--ignore-scripts'], {
      cwd: destination,
    });
  } catch (error) {
    if (isMissingProgram(error)) throw new NpmPackError('npm was not found on PATH');
    throw new NpmPackError((error as Error).message);
  }
  if (result.timedOut) throw new NpmPackError('npm pack did not finish within 15 minutes');
  if (result.exitCode !== 0) throw new NpmPackError(formatNpmFailure(result.stderr, result.exitCode));
  const named = parseNpmPackOutput(result.stdout);
  if (named) return join(destination, named);
  const tarballs = (await readdir(destination)).filter((f) => f.endsWith('.tgz'));
  if (tarballs.length === 1 && tarballs[0]) return join(destination, tarballs[0]);
  throw new NpmPackError(`npm pack reported success but left no tarball in ${destination}`);
}

/** The tarball's file name from `npm pack --json` output, or undefined when it is not there. */
export function parseNpmPackOutput(stdout: string): string | undefined {
  const start = stdout.indexOf('[');
  if (start === -1) return undefined;
  try {
    const parsed: unknown = JSON.parse(stdout.slice(start));
    const first = Array.isArray(parsed) ? (parsed[0] as { filename?: unknown } | undefined) : undefined;
    return typeof first?.filename === 'string' && !first.filename.includes('/') ? first.filename : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The useful line of npm's error output: `npm error code E404` and log-file lines carry no reason,
 * `npm error 404 Not Found - GET …` and `npm error network request … failed, reason: …` do.
 */
export function formatNpmFailure(stderr: string, exitCode: number | null): string {
  const lines = stderr
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => /^npm (error|ERR!)/.test(line))
    .map((line) => line.replace(/^npm (error|ERR!)\s*/, ''))
    .filter((line) => line !== '' && !/^(code|errno|syscall) /.test(line))
    .filter((line) => !/^(A complete log|Log files were not written)/i.test(line));
  return lines[0] ?? `npm exited with code ${exitCode}`;
}
