/**
 * Evaluates JavaScript as the Node REPL takes it (statements or an expression, top-level await,
 * the value of the last statement), for rpc, eval and remote. It drives Node's own REPL eval, so
 * the semantics are the REPL's, with our domain to catch what the code throws, and a console that
 * captures what the code prints so it can be forwarded to the caller.
 */
import { Console } from 'node:console';
import { create as createDomain } from 'node:domain';
import { start as startRepl, type REPLServer } from 'node:repl';
import { PassThrough } from 'node:stream';
import { inspect } from 'node:util';

export interface EvalOutcome {
  /** What the code printed through console.* while it ran. */
  readonly output: string;
  /** The result as util.inspect shows it (strings as they are); absent when undefined. */
  readonly value?: string;
  /** The thrown error's message (an error's stack is not sent: it is the caller's own input). */
  readonly error?: string;
}

/** One evaluation context; a remote session keeps one across inputs, rpc uses a fresh one. */
export class Evaluator {
  private readonly server: REPLServer;
  private readonly domain = createDomain();
  private printed = '';
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
      domain: this.domain,
    } as Parameters<typeof startRepl>[0]);
    const capture = new PassThrough();
    capture.setEncoding('utf8');
    capture.on('data', (chunk: string) => {
      this.printed += chunk;
    });
    const context = this.server.context;
    context['console'] = new Console({ stdout: capture, stderr: capture });
    for (const [name, value] of Object.entries(scope)) context[name] = value;
    this.domain.on('error', (error: unknown) => this.finish({ error: messageOf(error) }));
  }

  evaluate(code: string): Promise<EvalOutcome> {
    if (this.pending) return Promise.reject(new Error('an evaluation is already running in this session'));
    return new Promise<EvalOutcome>((resolve) => {
      this.printed = '';
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

  private finish(result: { value?: string; error?: string }): void {
    const resolve = this.pending;
    if (!resolve) return;
    this.pending = undefined;
    // Let console output written in the same turn reach the capture stream first.
    setImmediate(() => resolve({ output: this.printed, ...result }));
  }
}

/** Evaluates once in a fresh context. */
export async function evaluateOnce(code: string, scope: Readonly<Record<string, unknown>>): Promise<EvalOutcome> {
  const evaluator = new Evaluator(scope);
  try {
    return await evaluator.evaluate(code);
  } finally {
    evaluator.close();
  }
}

export function formatValue(value: unknown): string {
  return typeof value === 'string' ? value : inspect(value, { depth: 4, colors: false });
}

function messageOf(error: unknown): string {
  // Errors thrown by the evaluated code come from the REPL's context: another realm, so no instanceof.
  if (error !== null && typeof error === 'object' && typeof (error as Error).message === 'string') return (error as Error).message;
  return typeof error === 'string' ? error : inspect(error);
}
