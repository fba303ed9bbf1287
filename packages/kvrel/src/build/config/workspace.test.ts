import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadWorkspace } from './workspace.js';

const roots: string[] = [];

afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

interface Member {
  readonly pkg: Record<string, unknown>;
  /** Files to write inside the package folder, relative path → content. */
  readonly files?: Record<string, string>;
  /** Link it into node_modules as npm install does (default true). */
  readonly linked?: boolean;
}

/** A project folder: a root package.json with `workspaces`, members by folder, linked into node_modules. */
function project(workspaces: unknown, members: Record<string, Member>): string {
  const root = mkdtempSync(join(tmpdir(), 'kvrel-workspace-'));
  roots.push(root);
  writeJson(join(root, 'package.json'), { name: 'root', private: true, workspaces });
  for (const [dir, member] of Object.entries(members)) {
    writeJson(join(root, dir, 'package.json'), member.pkg);
    for (const [file, content] of Object.entries(member.files ?? {})) write(join(root, dir, file), content);
    if ((member.linked ?? true) && typeof member.pkg['name'] === 'string') {
      const link = join(root, 'node_modules', member.pkg['name']);
      mkdirSync(dirname(link), { recursive: true });
      symlinkSync(join(root, dir), link);
    }
  }
  return root;
}

/** An application package with a spec module and an entry point. */
function application(name: string, extra: Record<string, unknown> = {}): Member {
  return {
    pkg: { name, version: '1.2.3', exports: './src/index.ts', kvrel: { application: './src/application.ts', module: 'App' }, ...extra },
    files: { 'src/application.ts': `export default { name: '${name}' };\n`, 'src/index.ts': 'export const x = 1;\n' },
  };
}

function write(file: string, content: string): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, content);
}

function writeJson(file: string, value: unknown): void {
  write(file, `${JSON.stringify(value, null, 2)}\n`);
}

/** The error a promise rejects with (the test fails if it resolves). */
async function failure(promise: Promise<unknown>): Promise<Error & { code?: string }> {
  return promise.then(
    () => expect.fail('expected a rejection'),
    (error: unknown) => error as Error & { code?: string },
  );
}

async function names(root: string): Promise<string[]> {
  return [...(await loadWorkspace(root)).applications.keys()].sort();
}

describe('loadWorkspace: workspaces as npm finds them', () => {
  it('expands globs beyond dir/*: packages/** at any depth and apps/*/*', async () => {
    const root = project(['apps/*/*', 'packages/**'], {
      'apps/web/api': application('api'),
      'apps/batch/jobs': application('jobs'),
      'packages/native/hasher': { pkg: { name: 'hasher', main: 'index.js' }, files: { 'index.js': '' } },
      'packages/deep/er/still': application('still'),
      'packages/lib': application('lib'),
    });
    expect(await names(root)).toEqual(['api', 'jobs', 'lib', 'still']);
  });

  it('honours negated patterns and the { packages: [...] } form, and never looks inside node_modules', async () => {
    const root = project({ packages: ['apps/*', '!apps/legacy'] }, { 'apps/api': application('api'), 'apps/legacy': application('legacy') });
    write(join(root, 'apps', 'api', 'node_modules', 'nested', 'package.json'), JSON.stringify({ name: 'nested', kvrel: { application: 'x.ts' } }));
    expect(await names(root)).toEqual(['api']);
  });

  it('reads the application: version, spec module, rpc module name, application dependencies only', async () => {
    const root = project(['apps/*'], {
      'apps/kv': application('kv', { kvrel: { application: './src/application.ts', module: 'KV' } }),
      'apps/kv-server': application('kv-server', { dependencies: { kv: '*', '@kvrel/runtime': '*' }, kvrel: { application: './src/application.ts' } }),
    });
    const workspace = await loadWorkspace(root);
    expect(workspace.applications.get('kv')).toMatchObject({
      version: '1.2.3',
      moduleName: 'KV',
      applicationFile: join(root, 'apps', 'kv', 'src', 'application.ts'),
    });
    expect(workspace.applications.get('kv-server')).toMatchObject({ dependencies: ['kv'], moduleName: undefined });
  });

  it('refuses two workspaces with one name, in one line naming both folders', async () => {
    const root = project(['apps/*'], { 'apps/a': application('same'), 'apps/b': { ...application('same'), linked: false } });
    const error = await failure(loadWorkspace(root));
    expect(error).toMatchObject({ code: 'KVREL_NOT_A_WORKSPACE' });
    expect(error.message).toBe(
      'package.json "workspaces": two workspaces share a name ("same" is the name of apps/a and apps/b); give each package its own "name"',
    );
  });

  it('refuses a workspaces field that is not a list of globs', async () => {
    const root = project('apps/*', {});
    await expect(loadWorkspace(root)).rejects.toThrow(/"workspaces": expected an array of folder globs/);
  });
});

describe('loadWorkspace: an application that cannot be released is named at build time', () => {
  it('a kvrel.application module that does not exist', async () => {
    const root = project(['apps/*'], { 'apps/api': { ...application('api'), files: { 'src/index.ts': '' } } });
    const error = await failure(loadWorkspace(root));
    expect(error).toMatchObject({ code: 'KVREL_INVALID_APPLICATION' });
    expect(error.message).toBe(
      'apps/api/package.json: "kvrel.application" points to ./src/application.ts, which does not exist; point it at the module that default-exports ' +
        'the application spec',
    );
  });

  it('a package without main or exports (and no index file), named in rpc scope', async () => {
    const member = application('api');
    const root = project(['apps/*'], { 'apps/api': { ...member, pkg: { name: 'api', kvrel: { application: './src/application.ts', module: 'Api' } } } });
    const error = await failure(loadWorkspace(root));
    expect(error).toMatchObject({ code: 'KVREL_INVALID_APPLICATION' });
    expect(error.message).toBe(
      'apps/api/package.json: application "api" has no entry point, and a node imports it by name; add "exports": "./src/index.ts" (or "main") ' +
        'naming the module whose exports rpc sees',
    );
  });

  it('needs no entry point when not named in rpc scope (no kvrel.module: an app a starter made)', async () => {
    const member = application('api');
    const root = project(['apps/*'], { 'apps/api': { ...member, pkg: { name: 'api', kvrel: { application: './src/application.ts' } } } });
    const workspace = await loadWorkspace(root);
    expect(workspace.applications.get('api')?.moduleName).toBeUndefined();
  });

  it('a main that points at a file that does not exist (a package never built)', async () => {
    const root = project(['apps/*'], { 'apps/api': application('api', { exports: undefined, main: './dist/index.js' }) });
    await expect(loadWorkspace(root)).rejects.toThrow(
      /^apps\/api\/package\.json: application "api" cannot be imported by name \(Could not resolve "api".*\); point "exports"\/"main" at a module that exists$/,
    );
  });

  it('exports with no entry for import', async () => {
    const root = project(['apps/*'], { 'apps/api': application('api', { exports: { './other': './src/index.ts' } }) });
    await expect(loadWorkspace(root)).rejects.toThrow(/^apps\/api\/package\.json: application "api" cannot be imported by name \(.*"\." is not exported.*\)/);
  });

  it('a workspace not linked into node_modules (npm install not run since it was added)', async () => {
    const root = project(['apps/*'], { 'apps/api': { ...application('api'), linked: false } });
    await expect(loadWorkspace(root)).rejects.toThrow(`application "api" (apps/api) is not linked into node_modules; run npm install in ${root}`);
  });

  it('an application without a name, or with a module name that is not an identifier', async () => {
    const unnamed = project(['apps/*'], { 'apps/api': { ...application('api'), pkg: { kvrel: { application: './src/application.ts' } } } });
    await expect(loadWorkspace(unnamed)).rejects.toThrow('apps/api/package.json: an application needs a "name" (the package name is the application name)');
    const badModule = project(['apps/*'], { 'apps/api': application('api', { kvrel: { application: './src/application.ts', module: 'my-api' } }) });
    await expect(loadWorkspace(badModule)).rejects.toThrow(/"kvrel.module" must be a JavaScript identifier/);
  });

  it('accepts an entry through main, through an index file, and through conditional exports', async () => {
    const root = project(['apps/*'], {
      'apps/a': application('a', { exports: undefined, main: './src/index.ts' }),
      'apps/b': { ...application('b', { exports: undefined }), files: { 'src/application.ts': '', 'index.js': '' } },
      'apps/c': application('c', { exports: { '.': { import: './src/index.ts' } } }),
    });
    expect(await names(root)).toEqual(['a', 'b', 'c']);
  });
});
