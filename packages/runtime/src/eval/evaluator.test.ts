import { describe, expect, it } from 'vitest';
import { Evaluator, evaluateOnce } from './evaluator.js';

const scope = { KV: { get: async (b: string, k: string) => `${b}/${k}` } };

describe('evaluateOnce', () => {
  it('evaluates an expression and prints values as util.inspect does, strings bare', async () => {
    expect(await evaluateOnce('1 + 1', scope)).toEqual({ output: '', value: '2' });
    expect(await evaluateOnce('"plain"', scope)).toEqual({ output: '', value: 'plain' });
    expect(await evaluateOnce('({ a: [1, "x"] })', scope)).toEqual({ output: '', value: "{ a: [ 1, 'x' ] }" });
  });

  it('takes statements and returns the last value', async () => {
    expect((await evaluateOnce('const x = 2; x * 3', scope)).value).toBe('6');
  });

  it('supports top-level await and the names in scope', async () => {
    expect((await evaluateOnce('await KV.get("shopping", "milk")', scope)).value).toBe('shopping/milk');
    expect((await evaluateOnce('let y = await Promise.resolve(7); y', scope)).value).toBe('7');
  });

  it('omits undefined and captures console output, stderr apart', async () => {
    expect(await evaluateOnce('console.log("hello", 1)', scope)).toEqual({ output: 'hello 1\n' });
    expect(await evaluateOnce('console.error("oops"); console.log("fine")', scope)).toEqual({ output: 'fine\n', errorOutput: 'oops\n' });
    expect(await evaluateOnce('await null; console.warn("late")', scope)).toEqual({ output: '', errorOutput: 'late\n' });
  });

  it('reads { ... } as an object literal, as the REPL does, and a block when it is not one', async () => {
    expect((await evaluateOnce('{ a: 1, b: 2 }', scope)).value).toBe('{ a: 1, b: 2 }');
    expect((await evaluateOnce('{ let y = 3; y * 2 }', scope)).value).toBe('6');
  });

  it('sees Node globals and the scope on the fast path and through the REPL alike', async () => {
    expect((await evaluateOnce('typeof process.pid + typeof setTimeout + typeof KV', scope)).value).toBe('numberfunctionobject');
    expect((await evaluateOnce('await null; typeof process.pid + typeof setTimeout + typeof KV', scope)).value).toBe('numberfunctionobject');
  });

  it('reports what the code throws, sync or async', async () => {
    expect(await evaluateOnce('throw new Error("boom")', scope)).toEqual({ output: '', error: 'boom' });
    expect((await evaluateOnce('await Promise.reject(new Error("later"))', scope)).error).toBe('later');
    expect((await evaluateOnce('nosuch', scope)).error).toBe('nosuch is not defined');
    expect((await evaluateOnce('1 +', scope)).error).toMatch(/^SyntaxError/);
  });
});

describe('Evaluator sessions', () => {
  it('keeps bindings across inputs', async () => {
    const session = new Evaluator(scope);
    await session.evaluate('const total = 40');
    expect((await session.evaluate('total + 2')).value).toBe('42');
    session.close();
  });
});
