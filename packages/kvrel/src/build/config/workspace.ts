/**
 * The project kvrel works on: its root (the nearest folder up from cwd with releases.config.ts or
 * a package.json with workspaces) and its workspace packages that are applications
 * (package.json `kvrel.application`). A package that cannot be an application in a release is
 * refused here, before anything is built, with one line naming it and the fix.
 */
import { existsSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { UserError } from '../../shared/user-error.js';
import { unresolvedPackages } from './package-entry.js';
import { readPackageJson, workspacePackages, type PackageJson, type WorkspacePackage } from './workspace-packages.js';

export interface WorkspaceApplication {
  readonly name: string;
  readonly version: string;
  readonly dir: string;
  /** Absolute path of the module that default-exports the application spec. */
  readonly applicationFile: string;
  /** Name in scope for rpc/eval/remote (KV, KVServer). */
  readonly moduleName: string | undefined;
  /** Names of the workspace applications this one depends on. */
  readonly dependencies: readonly string[];
  /** Every package named in its package.json `dependencies` (npm packages and workspace packages alike). */
  readonly npmDependencies?: readonly string[];
}

export interface Workspace {
  readonly root: string;
  readonly applications: ReadonlyMap<string, WorkspaceApplication>;
}

export function findProjectRoot(from: string = process.cwd()): string {
  let dir = resolve(from);
  for (;;) {
    if (existsSync(join(dir, 'releases.config.ts'))) return dir;
    const pkg = readPackageJson(join(dir, 'package.json'), dir);
    if (pkg?.workspaces) return dir;
    const parent = dirname(dir);
    if (parent === dir) {
      throw new UserError(
        'KVREL_NOT_A_WORKSPACE',
        `no kvrel project found from ${from}: expected releases.config.ts or a package.json with "workspaces" in it or a parent folder`,
      );
    }
    dir = parent;
  }
}

export async function loadWorkspace(root: string = findProjectRoot()): Promise<Workspace> {
  const members = (await workspacePackages(root)).filter((member) => member.pkg.kvrel?.application !== undefined);
  const appNames = new Set(members.map(({ dir, pkg }) => applicationName(root, dir, pkg)));
  const applications = new Map<string, WorkspaceApplication>();
  for (const member of members) {
    const app = toApplication(root, member, appNames);
    applications.set(app.name, app);
  }
  await checkEntryPoints(root, members);
  return { root, applications };
}

function toApplication(root: string, { dir, pkg }: WorkspacePackage, appNames: ReadonlySet<string>): WorkspaceApplication {
  const manifest = shown(root, join(dir, 'package.json'));
  const entry = pkg.kvrel?.application;
  if (typeof entry !== 'string' || entry === '') {
    throw new UserError(
      'KVREL_INVALID_APPLICATION',
      `${manifest}: "kvrel.application" must be the path of the module that default-exports the application spec, e.g. "./src/application.ts"`,
    );
  }
  const applicationFile = resolve(dir, entry);
  if (!existsSync(applicationFile)) {
    throw new UserError(
      'KVREL_INVALID_APPLICATION',
      `${manifest}: "kvrel.application" points to ${entry}, which does not exist; point it at the module that default-exports the application spec`,
    );
  }
  const moduleName = pkg.kvrel?.module;
  if (moduleName !== undefined && (typeof moduleName !== 'string' || !/^[A-Za-z_$][\w$]*$/.test(moduleName))) {
    throw new UserError(
      'KVREL_INVALID_APPLICATION',
      `${manifest}: "kvrel.module" must be a JavaScript identifier (the name rpc and eval know the package by, e.g. "KV"), not ${JSON.stringify(moduleName)}`,
    );
  }
  const name = applicationName(root, dir, pkg);
  const dependencies = Object.keys({ ...pkg.dependencies, ...pkg.peerDependencies }).filter((d) => appNames.has(d));
  return { name, version: pkg.version ?? '0.0.0', dir, applicationFile, moduleName, dependencies, npmDependencies: Object.keys(pkg.dependencies ?? {}) };
}

function applicationName(root: string, dir: string, pkg: PackageJson): string {
  if (typeof pkg.name === 'string' && pkg.name !== '') return pkg.name;
  throw new UserError(
    'KVREL_INVALID_APPLICATION',
    `${shown(root, join(dir, 'package.json'))}: an application needs a "name" (the package name is the application name)`,
  );
}

/**
 * Every application must be linked into node_modules (npm install ran since it was added). One named
 * in rpc's scope (`kvrel.module`) is imported by its package name, so it must resolve through its
 * main/exports; one without needs no entry point (an app made by a starter has none).
 */
async function checkEntryPoints(root: string, members: readonly WorkspacePackage[]): Promise<void> {
  const failures = await unresolvedPackages(
    root,
    members.map((m) => m.pkg.name!),
  );
  for (const { dir, pkg } of members) {
    const reason = failures.get(pkg.name!);
    if (reason === undefined) continue;
    const manifest = shown(root, join(dir, 'package.json'));
    const name = JSON.stringify(pkg.name);
    if (!existsSync(join(root, 'node_modules', pkg.name!))) {
      throw new UserError('KVREL_INVALID_APPLICATION', `application ${name} (${shown(root, dir)}) is not linked into node_modules; run npm install in ${root}`);
    }
    if (pkg.kvrel?.module === undefined) continue;
    if (pkg.main === undefined && pkg.exports === undefined) {
      throw new UserError(
        'KVREL_INVALID_APPLICATION',
        `${manifest}: application ${name} has no entry point, and a node imports it by name; add "exports": "./src/index.ts" (or "main") naming the ` +
          `module whose exports rpc sees`,
      );
    }
    throw new UserError(
      'KVREL_INVALID_APPLICATION',
      `${manifest}: application ${name} cannot be imported by name (${reason}); point "exports"/"main" at a module that exists`,
    );
  }
}

function shown(root: string, path: string): string {
  return relative(root, path) || path;
}
