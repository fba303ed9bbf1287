import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../../../../../test/helpers/repo.js';
import { bundleNodeCode } from './bundle-node-code.js';

const temps: string[] = [];
afterAll(() => {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function project(files: Record<string, string>, { typescript = true } = {}): string {
  const root = mkdtempSync(join(tmpdir(), 'kvrel-decorators-'));
  temps.push(root);
  for (const [path, text] of Object.entries({ 'package.json': '{ "type": "module" }', ...files })) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  if (typescript) {
    mkdirSync(join(root, 'node_modules'));
    symlinkSync(join(repoRoot, 'node_modules', 'typescript'), join(root, 'node_modules', 'typescript'));
  }
  return root;
}

/** A container that builds a class from its constructor's `design:paramtypes`, as NestJS's does. */
const DI = `
const paramTypes = new Map<unknown, unknown[]>();
(Reflect as any).metadata = (key: string, value: unknown[]) => (target: unknown) => { if (key === 'design:paramtypes') paramTypes.set(target, value); };
export function Injectable(): ClassDecorator { return () => {}; }
export function resolve<T>(type: new (...args: any[]) => T): T {
  // No metadata: no parameters (a class without a constructor has none either).
  const params = paramTypes.get(type) ?? [];
  return new type(...params.map((p) => resolve(p as new () => unknown)));
}
`;

const CONTROLLER = `import { Injectable } from './di.js';
import { Service } from './service.js';

@Injectable()
export class Controller {
  constructor(readonly service: Service) {}

  fail(): never {
    throw new Error('boom from the controller');
  }
}
`;

const SERVICE = `import { Injectable } from './di.js';

@Injectable()
export class Service {
  hello(): string { return 'hello from the service'; }
}
`;

const ENTRY = `import { resolve } from './src/di.js';
import { Controller } from './src/controller.js';
const controller = resolve(Controller);
console.log(controller.service.hello());
try { controller.fail(); } catch (error) { console.log((error as Error).stack); }
`;

async function bundleAndRun(root: string): Promise<string> {
  const outDir = join(root, 'out');
  await bundleNodeCode({ root, entrySource: ENTRY, outDir, outName: 'node.mjs', target: 'node20', mode: 'in-place' });
  return execFileSync(process.execPath, ['--enable-source-maps', join(outDir, 'node.mjs')], { encoding: 'utf8' });
}

const SOURCES = { 'src/di.ts': DI, 'src/controller.ts': CONTROLLER, 'src/service.ts': SERVICE };

describe('decorator metadata', () => {
  it('emits design:paramtypes for a tsconfig (through extends) with emitDecoratorMetadata; stacks name the .ts line', async () => {
    const root = project({
      ...SOURCES,
      'tsconfig.base.json': '{ "compilerOptions": { "experimentalDecorators": true, "emitDecoratorMetadata": true, "target": "ES2023" } }',
      'tsconfig.json': '{ "extends": "./tsconfig.base.json", "compilerOptions": { "strict": true } }',
    });
    const output = await bundleAndRun(root);
    // (esbuild renames the class TypeScript binds twice, `let Controller = class Controller`: Controller2.)
    expect(output).toContain('hello from the service');
    expect(output).toMatch(/boom from the controller\n\s+at Controller\d*\.fail \(.*src\/controller\.ts:9:11\)/);
  });

  it('leaves a tsconfig without emitDecoratorMetadata to esbuild (no metadata, as under tsc)', async () => {
    const root = project({ ...SOURCES, 'tsconfig.json': '{ "compilerOptions": { "experimentalDecorators": true } }' });
    await expect(bundleAndRun(root)).rejects.toThrow(/Cannot read properties of undefined \(reading 'hello'\)/);
  });

  it('a project that asks for metadata without TypeScript installed: KVREL_TYPESCRIPT_MISSING naming the tsconfig', async () => {
    const root = project(
      { ...SOURCES, 'tsconfig.json': '{ "compilerOptions": { "experimentalDecorators": true, "emitDecoratorMetadata": true } }' },
      { typescript: false },
    );
    const bundling = bundleNodeCode({ root, entrySource: ENTRY, outDir: join(root, 'out'), outName: 'node.mjs', target: 'node20', mode: 'in-place' });
    await expect(bundling).rejects.toMatchObject({ code: 'KVREL_TYPESCRIPT_MISSING', message: expect.stringContaining(join(root, 'tsconfig.json')) });
  });
});
