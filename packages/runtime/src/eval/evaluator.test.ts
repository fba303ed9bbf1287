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

describe('evaluateOnce: whatever the code throws or rejects with is an error', () => {
  it('reports null and undefined as thrown, sync or async', async () => {
    expect(await evaluateOnce('await Promise.reject(null)', scope)).toEqual({ output: '', error: 'Uncaught null' });
    expect(await evaluateOnce('throw undefined', scope)).toEqual({ output: '', error: 'Uncaught undefined' });
    expect(await evaluateOnce('await null; throw undefined', scope)).toEqual({ output: '', error: 'Uncaught undefined' });
    expect((await evaluateOnce('await 1; throw 0', scope)).error).toBe('Uncaught 0');
  });

  it("keeps the last statement's value with await, whatever splits it", async () => {
    expect((await evaluateOnce('const a = await Promise.resolve(2)\na * 5', scope)).value).toBe('10');
    expect((await evaluateOnce('const s = await Promise.resolve("x;y"); s', scope)).value).toBe('x;y');
    expect((await evaluateOnce('const v = await Promise.resolve(1) // note; 99\nv', scope)).value).toBe('1');
    expect((await evaluateOnce('{ a: await Promise.resolve(1) }', scope)).value).toBe('{ a: 1 }');
    expect(await evaluateOnce('const z = await Promise.resolve(1)', scope)).toEqual({ output: '' });
  });
});

describe('evaluateOnce limits', () => {
  it('interrupts synchronous code past the timeout', async () => {
    const outcome = await evaluateOnce('while (true) {}', scope, { timeoutMs: 200 });
    expect(outcome.error).toBe('ran past its 0.2 s timeout and was interrupted (--timeout 0.2)');
  });

  it('stops waiting for a promise past the timeout', async () => {
    const outcome = await evaluateOnce('await new Promise(() => {})', scope, { timeoutMs: 200 });
    expect(outcome.error).toMatch(/^did not return within 0.2 s \(--timeout 0.2\)/);
  });

  it('refuses a result over the size limit, naming the limit, and keeps no more output than that', async () => {
    const big = await evaluateOnce('"x".repeat(2000)', scope, { maxResultBytes: 1000 });
    expect(big).toEqual({ output: '', error: expect.stringMatching(/^the result is 2,000 bytes or more, over the limit of 1,000 bytes/) });
    const printed = await evaluateOnce('for (let i = 0; i < 100; i++) console.log("y".repeat(99))', scope, { maxResultBytes: 1000 });
    expect(printed.error).toMatch(/^the result is 10,000 bytes or more/);
    expect((await evaluateOnce('"x".repeat(999)', scope, { maxResultBytes: 1000 })).value).toHaveLength(999);
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
