/**
 * The one way kvrel runs a program (tar, npm, strip, the base binary, a built executable): execa,
 * collecting output, never rejecting for a non-zero exit (callers turn that into their own message).
 */
import { execa } from 'execa';

export interface ProcessResult {
  stdout: string;
  stderr: string;
  /** null when the process was ended by a signal. */
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  durationMs: number;
}

export interface RunProcessOptions {
  cwd?: string;
  /** The whole environment of the child (not merged with this process's). */
  env?: NodeJS.ProcessEnv;
  /** SIGKILL the child after this long and report `timedOut`. */
  timeoutMs?: number;
}

/** Rejects only when the program cannot be started (ENOENT, EACCES). */
export async function runProcess(file: string, args: readonly string[], options: RunProcessOptions = {}): Promise<ProcessResult> {
  const result = await execa(file, args, {
    ...(options.cwd !== undefined && { cwd: options.cwd }),
    env: options.env ?? process.env,
    extendEnv: false,
    stdin: 'ignore',
    reject: false,
    stripFinalNewline: false,
    ...(options.timeoutMs !== undefined && { timeout: options.timeoutMs }),
    killSignal: 'SIGKILL',
  });
  // execa reports "could not be started" as a result with no exit code and the spawn error as cause.
  if (result.failed && result.exitCode === undefined && result.signal === undefined && !result.timedOut) {
    throw result.cause instanceof Error ? result.cause : new Error(result.shortMessage);
  }
  return {
    stdout: String(result.stdout ?? ''),
    stderr: String(result.stderr ?? ''),
    exitCode: result.exitCode ?? null,
    signal: (result.signal as NodeJS.Signals | undefined) ?? null,
    timedOut: result.timedOut,
    durationMs: result.durationMs,
  };
}

/**
 * The caller's environment without NODE_OPTIONS, for running a node binary kvrel inspects or builds with:
 * flags meant for kvrel's own Node (or a test runner's) must not change what that binary does.
 */
export function envWithoutNodeOptions(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const { NODE_OPTIONS: _ignored, ...rest } = env;
  return rest;
}

/** `"exited with code 3"`, `"was killed by SIGSEGV"`, `"did not exit within 500 ms"`. */
export function formatExit(result: ProcessResult, timeoutMs?: number): string {
  if (result.timedOut) return `did not exit within ${timeoutMs ?? '?'} ms`;
  if (result.signal) return `was killed by ${result.signal}`;
  return `exited with code ${result.exitCode}`;
}

export function isMissingProgram(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
}
