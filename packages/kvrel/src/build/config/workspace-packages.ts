/**
 * The workspace packages of a project, found as npm finds them: npm's own @npmcli/map-workspaces
 * expands the root package.json's `workspaces` (any glob npm accepts: `packages/**`, two levels
 * under `apps/`, `!negations`; node_modules never matches), so kvrel and `npm install` agree on
 * what is a workspace.
 */
import mapWorkspaces from '@npmcli/map-workspaces';
import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { UserError } from '../../shared/user-error.js';

export interface PackageJson {
  name?: string;
  version?: string;
  main?: string;
  exports?: unknown;
  workspaces?: unknown;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  kvrel?: { application?: unknown; module?: unknown };
}

export interface WorkspacePackage {
  readonly dir: string;
  readonly pkg: PackageJson;
}

/** The workspace packages under `root`, in npm's order; none when package.json declares no workspaces. */
export async function workspacePackages(root: string): Promise<WorkspacePackage[]> {
  const rootPkg = readPackageJson(join(root, 'package.json'), root);
  if (!rootPkg?.workspaces) return [];
  let found: Map<string, string>;
  try {
    found = await mapWorkspaces({ cwd: root, pkg: rootPkg });
  } catch (error) {
    throw new UserError('KVREL_NOT_A_WORKSPACE', `package.json "workspaces": ${oneLine(error, root)}`);
  }
  const packages: WorkspacePackage[] = [];
  for (const dir of found.values()) {
    const pkg = readPackageJson(join(dir, 'package.json'), root);
    if (pkg) packages.push({ dir, pkg });
  }
  return packages;
}

export function readPackageJson(file: string, root: string): PackageJson | undefined {
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as PackageJson;
  } catch (error) {
    throw new UserError(
      'KVREL_NOT_A_WORKSPACE',
      `${relative(root, file) || file} is not valid JSON (${error instanceof Error ? error.message : String(error)}); fix it`,
    );
  }
}

/**
 * map-workspaces' errors as one line: a pattern list that is not an array, or two workspaces with
 * one name (its message lists the paths on the lines after the first).
 */
function oneLine(error: unknown, root: string): string {
  const { code, message } = error as { code?: string; message?: string };
  const text = String(message ?? error);
  if (code === 'EDUPLICATEWORKSPACE') {
    const conflicts = [...text.matchAll(/package '([^']+)' has conflicts in the following paths:\n((?: {4}.+\n?)+)/g)].map(([, name, paths]) => {
      const dirs = paths!
        .trim()
        .split(/\n\s*/)
        .map((p) => relative(root, p) || '.');
      return `"${name}" is the name of ${dirs.join(' and ')}`;
    });
    return `two workspaces share a name (${conflicts.join('; ')}); give each package its own "name"`;
  }
  if (code === 'EWORKSPACESCONFIG') return 'expected an array of folder globs (or { "packages": [...] }), e.g. ["apps/*", "packages/**"]';
  return text.split('\n')[0]!;
}
