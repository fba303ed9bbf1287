import { describe, expect, it } from 'vitest';
import { evaluateConfig } from './evaluate-config.js';

const context = { env: 'test' as const, node: 'nonode@nohost' };

describe('evaluateConfig', () => {
  it('takes an object', async () => {
    expect(await evaluateConfig({ kv: { a: 1 } }, context, 'config/x.ts')).toEqual({ kv: { a: 1 } });
  });

  it('calls a function, sync or async, with the context', async () => {
    expect(await evaluateConfig(({ env }: { env: string }) => ({ kv: { env } }), context, 'f')).toEqual({ kv: { env: 'test' } });
    expect(await evaluateConfig(async ({ node }: { node: string }) => ({ kv: { node } }), context, 'f')).toEqual({ kv: { node: 'nonode@nohost' } });
  });

  it('reports a function that throws with the file name and reason', async () => {
    await expect(
      evaluateConfig(
        () => {
          throw new Error('PORT must be a number');
        },
        context,
        'config/runtime.ts',
      ),
    ).rejects.toThrow('config/runtime.ts: threw PORT must be a number');
  });

  it('reports the wrong shape with the file name', async () => {
    await expect(evaluateConfig(undefined, context, 'config/foo.ts')).rejects.toThrow(
      'config/foo.ts: must default-export an object { [app]: { [key]: value } } or a function returning one, got undefined (is there a default export?)',
    );
    await expect(evaluateConfig({ kv: 3 }, context, 'config/foo.ts')).rejects.toThrow(
      'config/foo.ts: configuration for application "kv" must be an object of keys, got number 3',
    );
    await expect(evaluateConfig([1], context, 'c.ts')).rejects.toThrow('got an array');
  });
});
