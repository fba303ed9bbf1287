/**
 * Step "writing bin, env.sh and vm.args": renders env.sh, vm.args and remote.vm.args into
 * releases/<vsn>/ from rel/*.eex (or kvrel's own templates), and bin/<name> from kvrel's launcher
 * template (not customisable, as in Mix), in the folder the release is assembled in (published later).
 */
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { ReleaseStep } from '../release/run-steps.js';
import { assemblyRoot, requireFact } from '../release/release.js';
import { renderTemplate } from '../template/render-template.js';
import { resolveTemplate, templatePath, TEMPLATE_FILES } from '../template/template-files.js';
import { UserError } from '../../shared/user-error.js';
import { supportsDisableSigusr1 } from '../sea/base-binary.js';

export const renderReleaseFilesStep: ReleaseStep = {
  title: 'writing bin, env.sh and vm.args',
  run: async (release) => {
    const { vmArgsVia, info } = requireFact(release, 'baseBinary', 'writing bin, env.sh and vm.args');
    // Older Nodes refuse the flag; the launcher's SIGUSR1 listener keeps their inspector shut instead.
    const sigusr1Flag = supportsDisableSigusr1(info) ? '--disable-sigusr1' : '';
    const bindings = { release: { name: release.name, version: release.version, env: release.env, vmArgsVia, sigusr1Flag } };
    for (const name of TEMPLATE_FILES) {
      const source = resolveTemplate(release.root, name);
      const shown = relative(release.root, source) || source;
      let text: string;
      try {
        text = renderTemplate(await readFile(source, 'utf8'), bindings, shown);
      } catch (error) {
        throw new UserError('KVREL_INVALID_RELEASE', error instanceof Error ? error.message : String(error));
      }
      const target = join(release.versionPath, name.replace(/\.eex$/, ''));
      await writeFile(target, text, { mode: name === 'env.sh.eex' ? 0o755 : 0o644 });
    }
    await mkdir(join(assemblyRoot(release), 'bin'), { recursive: true });
    const bin = join(assemblyRoot(release), 'bin', release.name);
    await writeFile(bin, renderTemplate(await readFile(templatePath('bin.sh.eex'), 'utf8'), bindings, 'bin.sh.eex'));
    await chmod(bin, 0o755);
    return release;
  },
};
