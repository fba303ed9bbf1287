/**
 * Levelled, timestamped logging shared by every package (Elixir's Logger, console backend).
 * Lines look like `12:03:04.567 [info] kv-server: accepting connections on port 4040`.
 * The level comes from KVREL_LOG_LEVEL (debug | info | warning | error | none), default info.
 */
import { formatWithOptions } from 'node:util';

export type LogLevel = 'debug' | 'info' | 'warning' | 'error';
const ORDER: Record<LogLevel | 'none', number> = { debug: 0, info: 1, warning: 2, error: 3, none: 4 };

export interface Logger {
  debug(message: string, ...args: unknown[]): void;
  info(message: string, ...args: unknown[]): void;
  warning(message: string, ...args: unknown[]): void;
  error(message: string, ...args: unknown[]): void;
}

type Sink = (line: string) => void;

let threshold = ORDER[parseLevel(process.env['KVREL_LOG_LEVEL'])];
let sink: Sink = (line) => process.stdout.write(line);

function parseLevel(value: string | undefined): LogLevel | 'none' {
  if (value === 'debug' || value === 'info' || value === 'warning' || value === 'error' || value === 'none') return value;
  if (value === 'warn') return 'warning';
  return 'info';
}

export function setLogLevel(level: LogLevel | 'none'): void {
  threshold = ORDER[level];
}

/** Redirects log lines (tests record them; the daemon writes to a rotating file). */
export function setLogSink(next: Sink): Sink {
  const previous = sink;
  sink = next;
  return previous;
}

function timestamp(date: Date): string {
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`;
}

function write(level: LogLevel, scope: string, message: string, args: unknown[]): void {
  if (ORDER[level] < threshold) return;
  const text = args.length > 0 ? formatWithOptions({ colors: false }, message, ...args) : message;
  sink(`${timestamp(new Date())} [${level}] ${scope ? `${scope}: ` : ''}${text}\n`);
}

export function createLogger(scope: string): Logger {
  return {
    debug: (m, ...a) => write('debug', scope, m, a),
    info: (m, ...a) => write('info', scope, m, a),
    warning: (m, ...a) => write('warning', scope, m, a),
    error: (m, ...a) => write('error', scope, m, a),
  };
}
