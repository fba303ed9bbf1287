/**
 * `kvrel init`: writes rel/env.sh.eex, rel/vm.args.eex and rel/remote.vm.args.eex for the user to
 * own (Mix's release.init). An existing file is never overwritten without --force.
 */
import { Command } from 'commander';
import { existsSync } from 'node:fs';
import { copyFile, mkdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { findProjectRoot } from '../config/workspace.js';
import { UserError } from '../../shared/user-error.js';
import { TEMPLATE_FILES, templatePath } from '../template/template-files.js';

export function defineInitCommand(): Command {
  return new Command('init')
    .description('write rel/env.sh.eex, rel/vm.args.eex and rel/remote.vm.args.eex to customise releases')
    .option('--force', 'overwrite files that exist')
    .action(async (options: { force?: boolean }) => {
      const written = await initTemplates(findProjectRoot(), options.force ?? false);
      for (const file of written) process.stdout.write(`* creating ${file}\n`);
    });
}

export async function initTemplates(root: string, force: boolean): Promise<string[]> {
  const dir = join(root, 'rel');
  const targets = TEMPLATE_FILES.map((name) => join(dir, name));
  if (!force) {
    for (const target of targets) {
      if (existsSync(target)) throw new UserError('KVREL_FILE_EXISTS', `${relative(root, target)} already exists; pass --force to overwrite`);
    }
  }
  await mkdir(dir, { recursive: true });
  for (const name of TEMPLATE_FILES) await copyFile(templatePath(name), join(dir, name));
  return targets.map((t) => relative(root, t));
}
