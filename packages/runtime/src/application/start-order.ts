/**
 * Orders applications dependencies first (a depth-first topological sort, as the release's boot
 * script lists them). A cycle is an error that names it; a dependency that is absent is an error too.
 */
import { RuntimeError } from '../errors.js';

export interface HasDependencies {
  readonly name: string;
  readonly dependencies: readonly string[];
}

export function startOrder<T extends HasDependencies>(apps: readonly T[], roots?: readonly string[]): T[] {
  const byName = new Map(apps.map((app) => [app.name, app]));
  const ordered: T[] = [];
  const done = new Set<string>();
  const visiting: string[] = [];

  const visit = (name: string, from: string | undefined): void => {
    if (done.has(name)) return;
    const at = visiting.indexOf(name);
    if (at !== -1) throw new RuntimeError({ code: 'RUNTIME_DEPENDENCY_CYCLE', cycle: [...visiting.slice(at), name] });
    const app = byName.get(name);
    if (!app) {
      if (from === undefined) throw new RuntimeError({ code: 'RUNTIME_UNKNOWN_APPLICATION', app: name });
      throw new RuntimeError({ code: 'RUNTIME_MISSING_DEPENDENCY', app: from, dependency: name });
    }
    visiting.push(name);
    for (const dependency of app.dependencies) visit(dependency, name);
    visiting.pop();
    done.add(name);
    ordered.push(app);
  };

  for (const name of roots ?? apps.map((a) => a.name)) visit(name, undefined);
  return ordered;
}
