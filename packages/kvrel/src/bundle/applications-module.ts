/**
 * Renders the source of a module that imports the chosen applications and lists them as
 * ApplicationDescriptors (spec, version, dependencies, module in scope for rpc/eval). Both the
 * dev node of `kvrel run` and a release's executable are bundled from it, so a release holds only
 * the applications it names.
 */
import type { WorkspaceApplication } from '../config/workspace.js';

export function renderApplicationsModule(applications: readonly WorkspaceApplication[]): string {
  const lines: string[] = [];
  const entries: string[] = [];
  applications.forEach((app, i) => {
    lines.push(`import app${i} from ${JSON.stringify(app.applicationFile)};`);
    lines.push(`import * as module${i} from ${JSON.stringify(app.name)};`);
    entries.push(
      `  { spec: app${i}, version: ${JSON.stringify(app.version)}, dependencies: ${JSON.stringify(app.dependencies)}, ` +
        `moduleName: ${JSON.stringify(app.moduleName ?? null)} ?? undefined, module: module${i} },`,
    );
  });
  return `${lines.join('\n')}\nexport const applications = [\n${entries.join('\n')}\n];\n`;
}
