/**
 * The templates kvrel ships (packages/kvrel/templates): `kvrel init` copies the user-owned ones into
 * rel/, and a release renders rel/<file> when present, else the shipped one. One copy of each.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { kvrelPackageFile } from '../package-dir.js';

export const TEMPLATE_FILES = ['env.sh.eex', 'vm.args.eex', 'remote.vm.args.eex'] as const;
export type TemplateFile = (typeof TEMPLATE_FILES)[number] | 'bin.sh.eex';

export function templatePath(name: TemplateFile): string {
  return kvrelPackageFile('templates', name);
}

/** The user's rel/<name> if it exists, else the shipped template. */
export function resolveTemplate(root: string, name: TemplateFile): string {
  const own = join(root, 'rel', name);
  return existsSync(own) ? own : templatePath(name);
}
