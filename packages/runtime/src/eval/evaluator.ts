/**
 * Evaluates JavaScript as the Node REPL takes it (statements or an expression, top-level await,
 * the value of the last statement), for rpc, eval and remote. It drives Node's own REPL eval, so
 * the semantics are the REPL's, with our domain (Node 26: the REPL's handleError hook) to catch what the code throws, and a console that
 * captures what the code prints so it can be forwarded to the caller.
 */
import { Console } from 'node:console';
import { create as createDomain } from 'node:domain';
import type { REPLServer, ReplOptions } from 'node:repl';
import { PassThrough, Writable } from 'node:stream';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { createContext, Script } from 'node:vm';
import { inspect } from 'node:util';
import { compileAwaitScript } from './await-script.js';
import { resultTooLarge, timeoutError, type EvalLimits } from './eval-limits.js';

/** node:repl (and the readline and acorn it loads) only once something is evaluated: not on a node's boot. */
function startRepl(options: ReplOptions): REPLServer {
  return process.getBuiltinModule('node:repl').start(options);
}

export interface EvalOutcome {
  /** What the code printed through console.log / info / dir / table while it ran. */
  readonly output: string;
  /** What it printed through console.error / warn / trace, for the caller's stderr. */
  readonly errorOutput?: string;
  /** The result as util.inspect shows it (strings as they are); absent when undefined. */
  readonly value?: string;
  /** The thrown error's message (an error's stack is not sent: it is the caller's own input). */
  readonly error?: string;
}

/** One evaluation context; a remote session keeps one across inputs, rpc uses a fresh one. */
export class Evaluator {
  private readonly server: REPLServer;
  private readonly domain = createDomain();
  private readonly capture: ConsoleCapture;
  private pending: ((outcome: EvalOutcome) => void) | undefined;

  constructor(
    scope: Readonly<Record<string, unknown>>,
    private readonly maxResultBytes?: number,
  ) {
    this.capture = captureConsole(maxResultBytes);
    const sink = new PassThrough();
    sink.resume();
    this.server = startRepl({
      input: new PassThrough(),
      output: sink,
      prompt: '',
      terminal: false,
      useGlobal: false,
      ignoreUndefined: true,
      preview: false,
      // Node 26 dropped the REPL's domain option for a handleError hook; what the code throws reaches us either way.
      ...(replTakesDomain() ? { domain: this.domain } : { handleError: (error: unknown) => this.onThrown(error) }),
    } as Parameters<typeof startRepl>[0]);
    const context = this.server.context;
    context['console'] = this.capture.console;
    for (const [name, value] of Object.entries(scope)) context[name] = value;
    this.domain.on('error', (error: unknown) => this.finish({ error: messageOf(error) }));
  }

  evaluate(code: string): Promise<EvalOutcome> {
    if (this.pending) return Promise.reject(new Error('an evaluation is already running in this session'));
    return new Promise<EvalOutcome>((resolve) => {
      this.capture.take();
      this.pending = resolve;
      this.server.eval(code, this.server.context, 'rpc', (error: Error | null, result: unknown) => {
        if (error) {
          // The REPL reports incomplete input as a Recoverable wrapping the SyntaxError.
          const syntax = (error as { err?: Error }).err;
          this.finish({ error: syntax ? `SyntaxError: ${syntax.message}` : messageOf(error) });
        } else {
          this.finish(result === undefined ? {} : { value: formatValue(result) });
        }
      });
    });
  }

  close(): void {
    this.server.close();
  }

  /** Node 26+: the REPL's error hook. A throw after the evaluation ended (a timer) is the node's to log. */
  private onThrown(error: unknown): 'ignore' | 'unhandled' {
    if (!this.pending) return 'unhandled';
    this.finish({ error: messageOf(error) });
    return 'ignore';
  }

  private finish(result: { value?: string; error?: string }): void {
    const resolve = this.pending;
    if (!resolve) return;
    this.pending = undefined;
    // Let console output written in the same turn reach the capture stream first.
    setImmediate(() => {
      const seen = this.capture.seenBytes();
      resolve(bounded({ ...this.capture.take(), ...result }, seen, this.maxResultBytes));
    });
  }
}

let takesDomain: boolean | undefined;

/** Whether this Node's REPL accepts `domain` (up to 24) or refuses it (26 has `handleError` instead). Asked once. */
function replTakesDomain(): boolean {
  if (takesDomain === undefined) {
    try {
      const sink = new PassThrough();
      sink.resume();
      startRepl({ input: new PassThrough(), output: sink, prompt: '', terminal: false, domain: createDomain() } as Parameters<typeof startRepl>[0]).close();
      takesDomain = true;
    } catch {
      takesDomain = false;
    }
  }
  return takesDomain;
}

/**
 * Evaluates once in a fresh context, within `limits`. Code without `await` that compiles as a script
 * runs in a plain vm context (0.6 ms, where starting a REPL takes ~22 ms on Node 24) with the REPL's
 * own rules: the last statement's value, and `{ ... }` read as an object literal when it parses as
 * one. Code with `await` runs as an async function in such a context (await-script.ts). The vm's
 * `timeout` interrupts synchronous code (a `while (true) {}`); a promise that does not settle in time
 * is no longer awaited. Code that runs after an `await` cannot be interrupted: a loop there holds the
 * node until it is killed (bin/<name> stop escalates to that). Anything that does not compile goes
 * through the REPL, so its errors read exactly as the REPL's.
 */
export async function evaluateOnce(code: string, scope: Readonly<Record<string, unknown>>, limits: EvalLimits = {}): Promise<EvalOutcome> {
  const awaits = AWAIT.test(code);
  const script = awaits ? compileAwaitScript(code) : compileScript(code);
  if (script) return runScript(script, scope, awaits, limits);
  const evaluator = new Evaluator(scope, limits.maxResultBytes);
  try {
    return await settleWithin(evaluator.evaluate(code), limits.timeoutMs, (error) => ({ output: '', error }));
  } finally {
    evaluator.close();
  }
}

const AWAIT = /\bawait\b/;

function compileScript(code: string): Script | undefined {
  // The REPL's rule: a line that starts with { and ends with } is tried as an object literal first.
  const candidates = /^\s*\{/.test(code) && /\}\s*$/.test(code) ? [`(${code})`, code] : [code];
  for (const candidate of candidates) {
    try {
      return new Script(candidate, { filename: 'rpc' });
    } catch {
      // Not a script: try the next form, then the REPL.
    }
  }
  return undefined;
}

async function runScript(script: Script, scope: Readonly<Record<string, unknown>>, awaits: boolean, limits: EvalLimits): Promise<EvalOutcome> {
  const capture = captureConsole(limits.maxResultBytes);
  // Node's globals (process, Buffer, timers) show through the prototype; the scope and console sit on top.
  const sandbox = Object.assign(Object.create(globalThis) as object, scope, { console: capture.console });
  const { timeoutMs } = limits;
  const started = Date.now();
  let result: { value?: string; error?: string };
  try {
    let value: unknown = script.runInContext(createContext(sandbox), timeoutMs === undefined ? {} : { timeout: timeoutMs });
    if (awaits) {
      const left = timeoutMs === undefined ? undefined : Math.max(1, timeoutMs - (Date.now() - started));
      value = await settleWithin(value as Promise<unknown>, left, () => {
        throw new TimedOut(timeoutError(timeoutMs!, false));
      });
      // Let console output written in the same turn reach the capture first.
      await nextTurn();
    }
    result = value === undefined ? {} : { value: formatValue(value) };
  } catch (error) {
    result = { error: describeThrown(error, timeoutMs) };
  }
  const seen = capture.seenBytes();
  return bounded({ ...capture.take(), ...result }, seen, limits.maxResultBytes);
}

/** A promise no longer awaited past `timeoutMs`; `onTimeout` says what that means for the caller. */
async function settleWithin<T>(promise: Promise<T>, timeoutMs: number | undefined, onTimeout: (error: string) => T): Promise<T> {
  if (timeoutMs === undefined) return promise;
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<T>((resolve, reject) => {
    timer = setTimeout(() => {
      try {
        resolve(onTimeout(timeoutError(timeoutMs, false)));
      } catch (error) {
        reject(error);
      }
    }, timeoutMs);
  });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

class TimedOut {
  constructor(readonly message: string) {}
}

function describeThrown(error: unknown, timeoutMs: number | undefined): string {
  if (error instanceof TimedOut) return error.message;
  if (timeoutMs !== undefined && (error as { code?: unknown } | null)?.code === 'ERR_SCRIPT_EXECUTION_TIMEOUT') return timeoutError(timeoutMs, true);
  return messageOf(error);
}

/** The outcome, or an error naming the limit when what it carries (`seen` bytes printed, and its value) is over it. */
function bounded(outcome: EvalOutcome, seen: number, maxBytes: number | undefined): EvalOutcome {
  if (maxBytes === undefined) return outcome;
  // Counted without encoding anything: a value of hundreds of MB is not copied to be measured.
  const bytes = Math.max(seen, byteLength(outcome.output) + byteLength(outcome.errorOutput)) + byteLength(outcome.value) + byteLength(outcome.error);
  return bytes > maxBytes ? { output: '', error: resultTooLarge(bytes, maxBytes) } : outcome;
}

function byteLength(text: string | undefined): number {
  return text === undefined ? 0 : Buffer.byteLength(text, 'utf8');
}

interface ConsoleCapture {
  readonly console: Console;
  take(): { output: string; errorOutput?: string };
  /** Bytes printed since the last take, kept or not. */
  seenBytes(): number;
}

/**
 * A console whose stdout and stderr are kept apart, to be forwarded to the caller's. Past `maxBytes`
 * what is printed is counted, not kept: such an outcome is refused anyway.
 */
function captureConsole(maxBytes = Infinity): ConsoleCapture {
  let output = '';
  let errorOutput = '';
  let seen = 0;
  const sink = (append: (text: string) => void) =>
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        seen += chunk.length;
        if (seen <= maxBytes) append(chunk.toString());
        done();
      },
    });
  return {
    console: new Console({ stdout: sink((t) => (output += t)), stderr: sink((t) => (errorOutput += t)) }),
    take() {
      const taken = errorOutput === '' ? { output } : { output, errorOutput };
      output = '';
      errorOutput = '';
      seen = 0;
      return taken;
    },
    seenBytes: () => seen,
  };
}

export function formatValue(value: unknown): string {
  return typeof value === 'string' ? value : inspect(value, { depth: 4, colors: false });
}

function messageOf(error: unknown): string {
  // Errors thrown by the evaluated code come from the REPL's context: another realm, so no instanceof.
  if (error !== null && typeof error === 'object' && typeof (error as Error).message === 'string') return (error as Error).message;
  // `throw null`, `Promise.reject(undefined)`: said as the REPL says it, never an empty line.
  return typeof error === 'string' ? error : `Uncaught ${inspect(error)}`;
}
