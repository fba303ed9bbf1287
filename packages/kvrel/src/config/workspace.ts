/**
 * The project kvrel works on: its root (the nearest folder up from cwd with releases.config.ts or
 * a package.json with workspaces) and its workspace packages that are applications
 * (package.json `kvrel.application`).
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { UserError } from '../user-error.js';

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

interface PackageJson {
  name?: string;
  version?: string;
  workspaces?: string[] | { packages?: string[] };
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  kvrel?: { application?: string; module?: string };
}

export function findProjectRoot(from: string = process.cwd()): string {
  let dir = resolve(from);
  for (;;) {
    if (existsSync(join(dir, 'releases.config.ts'))) return dir;
    const pkg = readPackageJson(join(dir, 'package.json'));
    if (pkg?.workspaces) return dir;
    const parent = dirname(dir);
    if (parent === dir) {
      throw new UserError('KVREL_NOT_A_WORKSPACE', `no kvrel project found from ${from}: expected releases.config.ts or a package.json with "workspaces" in it or a parent folder`);
    }
    dir = parent;
  }
}

export function loadWorkspace(root: string = findProjectRoot()): Workspace {
  const pkg = readPackageJson(join(root, 'package.json'));
  const patterns = Array.isArray(pkg?.workspaces) ? pkg.workspaces : (pkg?.workspaces?.packages ?? []);
  const packages: Array<{ dir: string; pkg: PackageJson }> = [];
  for (const dir of expandWorkspaces(root, patterns)) {
    const member = readPackageJson(join(dir, 'package.json'));
    if (member?.name) packages.push({ dir, pkg: member });
  }
  const appNames = new Set(packages.filter((p) => p.pkg.kvrel?.application).map((p) => p.pkg.name!));
  const applications = new Map<string, WorkspaceApplication>();
  for (const { dir, pkg: member } of packages) {
    const entry = member.kvrel?.application;
    if (!entry) continue;
    const name = member.name!;
    const applicationFile = resolve(dir, entry);
    if (!existsSync(applicationFile)) {
      throw new UserError('KVREL_NOT_A_WORKSPACE', `${join(dir, 'package.json')}: kvrel.application points to ${entry}, which does not exist`);
    }
    const deps = Object.keys({ ...member.dependencies, ...member.peerDependencies }).filter((d) => appNames.has(d));
    applications.set(name, {
      name,
      version: member.version ?? '0.0.0',
      dir,
      applicationFile,
      moduleName: member.kvrel?.module,
      dependencies: deps,
      npmDependencies: Object.keys(member.dependencies ?? {}),
    });
  }
  return { root, applications };
}

/** Expands workspace patterns: exact folders and a trailing `/*` (what npm workspaces mostly use). */
function expandWorkspaces(root: string, patterns: readonly string[]): string[] {
  const dirs: string[] = [];
  for (const pattern of patterns) {
    if (pattern.endsWith('/*')) {
      const base = join(root, pattern.slice(0, -2));
      if (!existsSync(base)) continue;
      for (const entry of readdirSync(base).sort()) {
        const dir = join(base, entry);
        if (statSync(dir).isDirectory()) dirs.push(dir);
      }
    } else {
      dirs.push(join(root, pattern));
    }
  }
  return dirs;
}

function readPackageJson(file: string): PackageJson | undefined {
  if (!existsSync(file)) return undefined;
  return JSON.parse(readFileSync(file, 'utf8')) as PackageJson;
}
