/**
 * Starts child processes for a test and cleans up exactly those: each is tracked by pid, asked to
 * stop with SIGTERM, then killed with SIGKILL after a deadline. Never by name or port.
 */
import { execa, type ResultPromise } from 'execa';
import { processAlive as alive } from '../../packages/kvrel/src/shared/process-alive.js';

export { alive };

/** How every child is started (execa's result type follows these options). */
interface ChildOptions {
  readonly cwd: string;
  readonly env: Record<string, string | undefined>;
  readonly extendEnv: true;
  readonly all: true;
  readonly reject: false;
  readonly stdin: 'ignore';
  readonly buffer: false;
}

export interface Started {
  readonly process: ResultPromise<ChildOptions>;
  readonly pid: number;
  /** Everything the process printed so far (stdout and stderr interleaved). */
  output(): string;
  /** Resolves with the exit code (or signal) once the process has exited. */
  readonly exit: Promise<{ code: number | undefined; signal: string | undefined }>;
}

const tracked = new Set<Started>();
/** pids of detached processes a test learned of (daemons, port mappers) to kill at cleanup. */
const extraPids = new Set<number>();

export function start(file: string, args: readonly string[], options: { cwd?: string; env?: Record<string, string | undefined> } = {}): Started {
  const childOptions: ChildOptions = {
    cwd: options.cwd ?? process.cwd(),
    env: { ...options.env },
    extendEnv: true,
    all: true,
    reject: false,
    stdin: 'ignore',
    buffer: false,
  };
  const child = execa(file, args, childOptions);
  let output = '';
  child.all?.setEncoding('utf8');
  child.all?.on('data', (chunk: string) => {
    output += chunk;
  });
  const exit = new Promise<{ code: number | undefined; signal: string | undefined }>((resolve) => {
    child.on('exit', (code, signal) => resolve({ code: code ?? undefined, signal: signal ?? undefined }));
  });
  const started: Started = { process: child, pid: child.pid!, output: () => output, exit };
  tracked.add(started);
  void exit.then(() => tracked.delete(started));
  return started;
}

export function trackPid(pid: number): void {
  extraPids.add(pid);
}

/** Stops every process started by this test file: SIGTERM, then SIGKILL after `graceMs`. */
export async function stopAll(graceMs = 3000): Promise<void> {
  const all = [...tracked];
  for (const p of all) p.process.kill('SIGTERM');
  await Promise.race([Promise.all(all.map((p) => p.exit)), new Promise((r) => setTimeout(r, graceMs))]);
  for (const p of all) if (alive(p.pid)) p.process.kill('SIGKILL');
  await Promise.all(all.map((p) => p.exit));
  for (const pid of extraPids) {
    if (alive(pid)) process.kill(pid, 'SIGKILL');
  }
  extraPids.clear();
}
