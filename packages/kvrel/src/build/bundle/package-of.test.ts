import { describe, expect, it } from 'vitest';
import { packageOf } from './package-of.js';

describe('packageOf', () => {
  it('names the innermost package under node_modules, scoped or not', () => {
    expect(packageOf('/p/node_modules/fastify/lib/server.js')).toEqual({ name: 'fastify', dir: '/p/node_modules/fastify' });
    expect(packageOf('/p/node_modules/@node-rs/bcrypt/index.js')).toEqual({ name: '@node-rs/bcrypt', dir: '/p/node_modules/@node-rs/bcrypt' });
    expect(packageOf('/p/node_modules/a/node_modules/b/i.js')).toEqual({ name: 'b', dir: '/p/node_modules/a/node_modules/b' });
  });

  it('is undefined for files outside node_modules (workspace sources)', () => {
    expect(packageOf('/p/apps/api/src/main.ts')).toBeUndefined();
  });
});
