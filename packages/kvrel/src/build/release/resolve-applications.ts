/**
 * Adds each listed application's dependencies (permanent unless listed), orders them dependencies
 * first with the runtime's own start order (the order a node starts them in), and refuses unsafe
 * combinations as Mix's validate_mode! does: a started application cannot depend on one that is
 * only loaded or not included.
 */
import { RuntimeError, isStartMode, startOrder, type StartMode } from '@kvrel/runtime/internal';
import type { WorkspaceApplication } from '../config/workspace.js';
import { UserError } from '../../shared/user-error.js';
import type { ReleaseApplication } from './release.js';

export function resolveApplications(
  releaseName: string,
  listed: Readonly<Record<string, StartMode>>,
  workspace: ReadonlyMap<string, WorkspaceApplication>,
): ReleaseApplication[] {
  let included: WorkspaceApplication[];
  try {
    included = startOrder([...workspace.values()], Object.keys(listed));
  } catch (error) {
    throw releaseError(releaseName, error);
  }
  const ordered = included.map((app): ReleaseApplication => {
    const mode = listed[app.name] ?? 'permanent';
    return { ...app, mode: isStartMode(mode) ? mode : 'permanent' };
  });

  const modes = new Map(ordered.map((a) => [a.name, a.mode]));
  for (const app of ordered) {
    if (app.mode === 'load' || app.mode === 'none') continue;
    for (const dependency of app.dependencies) {
      const mode = modes.get(dependency);
      if (mode === 'load' || mode === 'none') {
        throw new UserError(
          'KVREL_INVALID_RELEASE',
          `release ${JSON.stringify(releaseName)}: ${JSON.stringify(app.name)} is ${app.mode} but depends on ${JSON.stringify(dependency)}, which is ` +
            `${JSON.stringify(mode)}; set ${JSON.stringify(dependency)} to a started mode`,
        );
      }
    }
  }
  return ordered;
}

/** The runtime's ordering errors, worded for the release being built. */
function releaseError(releaseName: string, error: unknown): unknown {
  if (!(error instanceof RuntimeError)) return error;
  const release = `release ${JSON.stringify(releaseName)}`;
  const data = error.data;
  switch (data.code) {
    case 'RUNTIME_DEPENDENCY_CYCLE':
      return new UserError('KVREL_INVALID_RELEASE', `${release}: applications depend on each other in a cycle: ${data.cycle.join(' → ')}`);
    case 'RUNTIME_MISSING_DEPENDENCY':
      return new UserError(
        'KVREL_UNKNOWN_APPLICATION',
        `${release}: application ${JSON.stringify(data.app)} depends on ${JSON.stringify(data.dependency)}, which is not in this workspace`,
      );
    case 'RUNTIME_UNKNOWN_APPLICATION':
      return new UserError('KVREL_UNKNOWN_APPLICATION', `${release}: application ${JSON.stringify(data.app)} is not in this workspace`);
    default:
      return error;
  }
}
