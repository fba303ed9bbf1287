/**
 * Levelled, timestamped logging shared by every package (Elixir's Logger, console backend).
 * Lines look like `12:03:04.567 [info] kv-server: accepting connections on port 4040`.
 * The level comes from KVREL_LOG_LEVEL (debug | info | warning | error | none), default info.
 *
 * Logging never throws into the node: a sink that fails loses the line (the daemon's RotatingLog
 * counts and reports its own losses). A warning or error repeated word for word, or lines logged
 * with `limited` under one key, go out at most once per LOG_RATE_WINDOW_MS; the rest are counted
 * and reported as one `suppressed N` line when the window ends.
 */
import { formatWithOptions } from 'node:util';
import { RateLimiter } from './rate-limiter.js';

export type LogLevel = 'debug' | 'info' | 'warning' | 'error';
const ORDER: Record<LogLevel | 'none', number> = { debug: 0, info: 1, warning: 2, error: 3, none: 4 };

export interface Logger {
  debug(message: string, ...args: unknown[]): void;
  info(message: string, ...args: unknown[]): void;
  warning(message: string, ...args: unknown[]): void;
  error(message: string, ...args: unknown[]): void;
}

/** A scope's logger, plus lines rate-limited by a key of the caller's choosing. */
export interface ScopedLogger extends Logger {
  /** At most one line per `key` (a reason, say "idle timeout") and window; the others are counted. */
  limited(level: LogLevel, key: string, message: string): void;
}

type Sink = (line: string) => void;

export const LOG_RATE_WINDOW_MS = 10_000;
/** How much of a suppressed line its `suppressed N` report repeats. */
const LABEL_CHARS = 160;

interface LineOrigin {
  readonly level: LogLevel;
  readonly scope: string;
  readonly label: string;
}

let threshold = ORDER[parseLevel(process.env['KVREL_LOG_LEVEL'])];
let sink: Sink = (line) => process.stdout.write(line);
let limiter = new RateLimiter<LineOrigin>(LOG_RATE_WINDOW_MS);
let reportTimer: NodeJS.Timeout | undefined;
let reportOnExit = false;

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

/** For tests: a fresh rate limit with this window. */
export function resetLogRateLimit(windowMs = LOG_RATE_WINDOW_MS): void {
  if (reportTimer) clearTimeout(reportTimer);
  reportTimer = undefined;
  limiter = new RateLimiter<LineOrigin>(windowMs);
}

/** `12:03:04.567`: the time of day at the start of each line. */
export function logTimestamp(date: Date): string {
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`;
}

/** One log line as the logger writes it, newline included. */
export function formatLogLine(level: LogLevel, scope: string, text: string, date = new Date()): string {
  return `${logTimestamp(date)} [${level}] ${scope ? `${scope}: ` : ''}${text}\n`;
}

function emit(line: string): void {
  try {
    sink(line);
  } catch {
    // The line is lost; the node goes on (a sink that can count its losses does so itself).
  }
}

function write(level: LogLevel, scope: string, message: string, args: unknown[]): void {
  if (ORDER[level] < threshold) return;
  const text = args.length > 0 ? formatWithOptions({ colors: false }, message, ...args) : message;
  const date = new Date();
  if (ORDER[level] >= ORDER.warning && !admit(`${level}|${scope}|${text}`, date, { level, scope, label: text })) return;
  emit(formatLogLine(level, scope, text, date));
}

function writeLimited(level: LogLevel, scope: string, key: string, message: string): void {
  if (ORDER[level] < threshold) return;
  const date = new Date();
  if (!admit(`limited|${scope}|${key}`, date, { level, scope, label: key })) return;
  emit(formatLogLine(level, scope, message, date));
}

function admit(key: string, date: Date, origin: LineOrigin): boolean {
  if (limiter.admit(key, date.getTime(), origin)) return true;
  scheduleReport();
  return false;
}

function scheduleReport(): void {
  if (!reportOnExit) {
    // A node that stops inside a window still says what it suppressed.
    reportOnExit = true;
    process.once('exit', () => reportSuppressed(Number.POSITIVE_INFINITY));
  }
  if (reportTimer) return;
  const at = limiter.nextReportAt();
  if (at === undefined) return;
  reportTimer = setTimeout(reportSuppressed, Math.max(0, at - Date.now()));
  reportTimer.unref();
}

function reportSuppressed(now = Date.now()): void {
  if (reportTimer) clearTimeout(reportTimer);
  reportTimer = undefined;
  const seconds = limiter.windowMs / 1000;
  for (const { count, detail } of limiter.expired(now)) {
    const firstLine = detail.label.split('\n', 1)[0]!;
    const label = firstLine.length > LABEL_CHARS || firstLine.length < detail.label.length ? `${firstLine.slice(0, LABEL_CHARS)}…` : firstLine;
    emit(formatLogLine(detail.level, detail.scope, `suppressed ${count} more "${label}" lines in the last ${seconds} s`));
  }
  scheduleReport();
}

export function createLogger(scope: string): ScopedLogger {
  return {
    debug: (m, ...a) => write('debug', scope, m, a),
    info: (m, ...a) => write('info', scope, m, a),
    warning: (m, ...a) => write('warning', scope, m, a),
    error: (m, ...a) => write('error', scope, m, a),
    limited: (level, key, message) => writeLimited(level, scope, key, message),
  };
}
