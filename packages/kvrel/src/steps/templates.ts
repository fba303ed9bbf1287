/**
 * The templates kvrel ships (packages/kvrel/templates): `kvrel init` copies the user-owned ones into
 * rel/, and a release renders rel/<file> when present, else the shipped one. One copy of each.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const TEMPLATE_FILES = ['env.sh.eex', 'vm.args.eex', 'remote.vm.args.eex'] as const;
export type TemplateFile = (typeof TEMPLATE_FILES)[number] | 'bin.sh.eex';

/** The templates folder, found from this file both in sources (src/steps) and in the built CLI (dist). */
function templatesDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i++) {
    if (existsSync(join(dir, 'templates', 'bin.sh.eex'))) return join(dir, 'templates');
    dir = dirname(dir);
  }
  throw new Error(`kvrel templates not found near ${fileURLToPath(import.meta.url)}`);
}

export function templatePath(name: TemplateFile): string {
  return join(templatesDir(), name);
}

/** The user's rel/<name> if it exists, else the shipped template. */
export function resolveTemplate(root: string, name: TemplateFile): string {
  const own = join(root, 'rel', name);
  return existsSync(own) ? own : templatePath(name);
}
