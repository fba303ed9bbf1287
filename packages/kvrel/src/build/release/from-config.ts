/**
 * releases.config.ts + command-line overrides → one Release (Mix.Release.from_config!).
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { ReleasesConfig } from './define-releases.js';
import type { Workspace } from '../config/workspace.js';
import { UserError } from '../../shared/user-error.js';
import type { Release } from './release.js';
import { resolveApplications } from './resolve-applications.js';
import { checkTarget } from './check-target.js';
import { defaultTarget } from '../sea/targets.js';

export interface ReleaseOverrides {
  readonly name?: string | undefined;
  readonly env: string;
  readonly path?: string | undefined;
  readonly node?: string | undefined;
  /** --target: the platform the release runs on. */
  readonly target?: string | undefined;
  readonly tar?: boolean | undefined;
  readonly keepOldVersions?: boolean;
}

export function fromConfig(releases: ReleasesConfig, workspace: Workspace, overrides: ReleaseOverrides): Release {
  const names = Object.keys(releases);
  const quoted = names.map((n) => JSON.stringify(n)).join(', ');
  let name = overrides.name;
  if (name === undefined) {
    if (names.length !== 1) {
      throw new UserError(
        'KVREL_NO_RELEASE_NAME',
        `kvrel release was given no name but releases.config.ts defines ${names.length} releases (${quoted}); run "kvrel release ${names[0]}"`,
      );
    }
    name = names[0]!;
  }
  const definition = releases[name];
  if (!definition) throw new UserError('KVREL_UNKNOWN_RELEASE', `Unknown release ${JSON.stringify(name)}. The available releases are: ${quoted}`);

  const root = workspace.root;
  const defaultPath = resolve(root, '_build', overrides.env, 'rel', name);
  const path = resolve(root, overrides.path ?? definition.path ?? defaultPath);
  // The tarball goes to _build/<env>/, or beside the release folder when it was put elsewhere.
  const target = overrides.target !== undefined ? checkTarget(overrides.target, '--target') : (definition.target ?? defaultTarget());
  // A release for another target keeps its own scratch folder: building both does not rebuild either.
  const workDir = resolve(root, '_build', overrides.env, 'kvrel-cache', target === defaultTarget() ? name : `${name}-${target}`);
  const tarDir = path === defaultPath ? resolve(root, '_build', overrides.env) : dirname(path);
  return {
    name,
    version: definition.version,
    env: overrides.env,
    root,
    path,
    versionPath: join(workDir, 'stage', 'releases', definition.version),
    applications: resolveApplications(name, definition.applications, workspace.applications),
    nodeRequested: overrides.node ?? definition.node,
    target,
    cookie: definition.cookie,
    tar: overrides.tar ?? false,
    overlays: [...(existsSync(join(root, 'rel', 'overlays')) ? [join('rel', 'overlays')] : []), ...(definition.overlays ?? [])],
    external: definition.external ?? [],
    keepOldVersions: overrides.keepOldVersions ?? definition.keepOldVersions ?? false,
    workDir,
    tarPath: join(tarDir, `${name}-${definition.version}.tar.gz`),
  };
}
