/**
 * Adds each listed application's dependencies (permanent unless listed), orders them dependencies
 * first, and refuses unsafe combinations as Mix's validate_mode! does: a started application cannot
 * depend on one that is only loaded or not included.
 */
import { isStartMode, type StartMode } from '@kvrel/runtime/internal';
import type { WorkspaceApplication } from '../config/workspace.js';
import { UserError } from '../user-error.js';
import type { ReleaseApplication } from './release.js';

export function resolveApplications(
  releaseName: string,
  listed: Readonly<Record<string, StartMode>>,
  workspace: ReadonlyMap<string, WorkspaceApplication>,
): ReleaseApplication[] {
  const ordered: ReleaseApplication[] = [];
  const seen = new Set<string>();
  const visit = (name: string, path: string[]) => {
    if (seen.has(name)) return;
    if (path.includes(name)) {
      throw new UserError('KVREL_INVALID_RELEASE', `release ${JSON.stringify(releaseName)}: applications depend on each other in a cycle: ${[...path, name].join(' → ')}`);
    }
    const app = workspace.get(name);
    if (!app) throw new UserError('KVREL_UNKNOWN_APPLICATION', `release ${JSON.stringify(releaseName)}: application ${JSON.stringify(path.at(-1))} depends on ${JSON.stringify(name)}, which is not in this workspace`);
    for (const dependency of app.dependencies) visit(dependency, [...path, name]);
    seen.add(name);
    const mode = listed[name] ?? 'permanent';
    ordered.push({ ...app, mode: isStartMode(mode) ? mode : 'permanent' });
  };
  for (const name of Object.keys(listed)) visit(name, []);

  const modes = new Map(ordered.map((a) => [a.name, a.mode]));
  for (const app of ordered) {
    if (app.mode === 'load' || app.mode === 'none') continue;
    for (const dependency of app.dependencies) {
      const mode = modes.get(dependency);
      if (mode === 'load' || mode === 'none') {
        throw new UserError(
          'KVREL_INVALID_RELEASE',
          `release ${JSON.stringify(releaseName)}: ${JSON.stringify(app.name)} is ${app.mode} but depends on ${JSON.stringify(dependency)}, which is ${JSON.stringify(mode)}; set ${JSON.stringify(dependency)} to a started mode`,
        );
      }
    }
  }
  return ordered;
}
