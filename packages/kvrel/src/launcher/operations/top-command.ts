/**
 * `bin/<name> top [--once]`: a live view of the running node, refreshed every second (status figures,
 * ops/s, connections, the application tree with states), until `q` (or Ctrl+C). `--once` prints one
 * frame for scripts, its ops/s taken over one second. Plain ANSI, no terminal library: an alternate
 * screen, a cleared frame per refresh, colours unless NO_COLOR is set or the output is no terminal.
 */
import type { NodeStatus } from '@kvrel/runtime';
import { fetchStatus } from './status-command.js';
import { formatTopFrame, operationsRate } from './top-frame.js';

export const REFRESH_MS = 1000;

interface Reading {
  readonly status: NodeStatus;
  readonly at: number;
}

async function read(): Promise<Reading> {
  const status = await fetchStatus();
  return { status, at: Date.now() };
}

function rate(previous: Reading | undefined, current: Reading): number | undefined {
  if (!previous) return undefined;
  return operationsRate({ operations: previous.status.operations, at: previous.at }, { operations: current.status.operations, at: current.at });
}

export function useColor(env: NodeJS.ProcessEnv = process.env, isTTY = process.stdout.isTTY === true): boolean {
  return isTTY && !env['NO_COLOR'];
}

export async function topCommand(args: readonly string[]): Promise<number> {
  const unknown = args.find((arg) => arg !== '--once');
  if (unknown !== undefined) {
    process.stderr.write(`ERROR: top takes --once only, got ${JSON.stringify(unknown)}\n`);
    return 1;
  }
  const color = useColor();
  if (args.includes('--once')) {
    const first = await read();
    await new Promise((resolve) => setTimeout(resolve, REFRESH_MS));
    const second = await read();
    process.stdout.write(formatTopFrame(second.status, { color, opsPerSecond: rate(first, second) }));
    return 0;
  }
  return liveView(color);
}

async function liveView(color: boolean): Promise<number> {
  const out = process.stdout;
  const input = process.stdin;
  let quit!: () => void;
  const quitting = new Promise<void>((resolve) => (quit = resolve));
  const onKey = (chunk: Buffer) => {
    // q, Q, or Ctrl+C (raw mode delivers it as a byte rather than a signal).
    if (chunk.includes(0x71) || chunk.includes(0x51) || chunk.includes(0x03)) quit();
  };
  if (input.isTTY) input.setRawMode(true);
  input.on('data', onKey);
  input.resume();
  process.once('SIGINT', () => quit());
  process.once('SIGTERM', () => quit());
  if (out.isTTY) out.write('\x1b[?1049h\x1b[?25l'); // alternate screen, cursor hidden
  let previous: Reading | undefined;
  let stopped = false;
  void quitting.then(() => (stopped = true));
  try {
    while (!stopped) {
      const current = await read();
      const frame = formatTopFrame(current.status, { color, opsPerSecond: rate(previous, current), hint: '(q quits)' });
      out.write(out.isTTY ? `\x1b[H\x1b[2J${frame}` : `${frame}\n`);
      previous = current;
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([quitting, new Promise((resolve) => (timer = setTimeout(resolve, REFRESH_MS)))]);
      clearTimeout(timer);
    }
    return 0;
  } finally {
    if (out.isTTY) out.write('\x1b[?25h\x1b[?1049l');
    input.off('data', onKey);
    if (input.isTTY) input.setRawMode(false);
    input.pause();
  }
}
