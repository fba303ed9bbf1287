/**
 * Evaluates JavaScript as the Node REPL takes it (statements or an expression, top-level await,
 * the value of the last statement), for rpc, eval and remote. It drives Node's own REPL eval, so
 * the semantics are the REPL's, with our domain (Node 26: the REPL's handleError hook) to catch what the code throws, and a console that
 * captures what the code prints so it can be forwarded to the caller.
 */
import { Console } from 'node:console';
import { create as createDomain } from 'node:domain';
import { start as startRepl, type REPLServer } from 'node:repl';
import { PassThrough, Writable } from 'node:stream';
import { createContext, Script } from 'node:vm';
import { inspect } from 'node:util';

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
  private readonly capture = captureConsole();
  private pending: ((outcome: EvalOutcome) => void) | undefined;

  constructor(scope: Readonly<Record<string, unknown>>) {
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
    setImmediate(() => resolve({ ...this.capture.take(), ...result }));
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
 * Evaluates once in a fresh context. Code without `await` that compiles as a script runs in a plain
 * vm context (0.6 ms, where starting a REPL takes ~22 ms on Node 24) with the REPL's own rules: the
 * last statement's value, and `{ ... }` read as an object literal when it parses as one. Anything
 * else goes through the REPL, so its errors read exactly as the REPL's.
 */
export async function evaluateOnce(code: string, scope: Readonly<Record<string, unknown>>): Promise<EvalOutcome> {
  const script = AWAIT.test(code) ? undefined : compileScript(code);
  if (script) return runScript(script, scope);
  const evaluator = new Evaluator(scope);
  try {
    return await evaluator.evaluate(code);
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

function runScript(script: Script, scope: Readonly<Record<string, unknown>>): EvalOutcome {
  const capture = captureConsole();
  // Node's globals (process, Buffer, timers) show through the prototype; the scope and console sit on top.
  const sandbox = Object.assign(Object.create(globalThis) as object, scope, { console: capture.console });
  try {
    const value = script.runInContext(createContext(sandbox));
    return value === undefined ? capture.take() : { ...capture.take(), value: formatValue(value) };
  } catch (error) {
    return { ...capture.take(), error: messageOf(error) };
  }
}

/** A console whose stdout and stderr are kept apart, to be forwarded to the caller's. */
function captureConsole(): { console: Console; take(): { output: string; errorOutput?: string } } {
  let output = '';
  let errorOutput = '';
  const sink = (append: (text: string) => void) =>
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        append(chunk.toString());
        done();
      },
    });
  return {
    console: new Console({ stdout: sink((t) => (output += t)), stderr: sink((t) => (errorOutput += t)) }),
    take() {
      const taken = errorOutput === '' ? { output } : { output, errorOutput };
      output = '';
      errorOutput = '';
      return taken;
    },
  };
}

export function formatValue(value: unknown): string {
  return typeof value === 'string' ? value : inspect(value, { depth: 4, colors: false });
}

function messageOf(error: unknown): string {
  // Errors thrown by the evaluated code come from the REPL's context: another realm, so no instanceof.
  if (error !== null && typeof error === 'object' && typeof (error as Error).message === 'string') return (error as Error).message;
  return typeof error === 'string' ? error : inspect(error);
}
