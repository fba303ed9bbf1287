/**
 * Renders the source of a module that imports the chosen applications and lists them as
 * ApplicationDescriptors (spec, version, dependencies, module in scope for rpc/eval, priv folder).
 * Both the dev node of `kvrel run` and a release's node are bundled from it, so a release holds only
 * the applications it names.
 */
import type { WorkspaceApplication } from '../config/workspace.js';

/**
 * Where each application's priv/ folder is: `release`, releases/<vsn>/priv/<app> found from the
 * bundle's own URL (the bundle is releases/<vsn>/lib/node.mjs), so the release can move; `source`,
 * the package's own priv/ (kvrel run).
 */
export type PrivDirs = 'release' | 'source';

export function renderApplicationsModule(applications: readonly WorkspaceApplication[], privDirs: PrivDirs): string {
  const lines: string[] = [];
  const entries: string[] = [];
  if (privDirs === 'release') lines.push(`import { fileURLToPath as __kvrelPath } from 'node:url';`);
  applications.forEach((app, i) => {
    lines.push(`import app${i} from ${JSON.stringify(app.applicationFile)};`);
    if (app.moduleName !== undefined) lines.push(`import * as module${i} from ${JSON.stringify(app.name)};`);
    const privDir =
      privDirs === 'release' ? `__kvrelPath(new URL(${JSON.stringify(`../priv/${app.name}`)}, import.meta.url))` : JSON.stringify(`${app.dir}/priv`);
    entries.push(
      `  { spec: app${i}, packageName: ${JSON.stringify(app.name)}, version: ${JSON.stringify(app.version)}, dependencies: ` +
        `${JSON.stringify(app.dependencies)}, ` +
        `moduleName: ${JSON.stringify(app.moduleName ?? null)} ?? undefined, module: ${app.moduleName !== undefined ? `module${i}` : 'undefined'}, ` +
        `privDir: ${privDir} },`,
    );
  });
  return `${lines.join('\n')}\nexport const applications = [\n${entries.join('\n')}\n];\n`;
}
