/**
 * Step "copying files beside the code": the folders of the project whose modules find files relative
 * to themselves (views, locales, templates, migrations) are mirrored under releases/<vsn>/lib/ at their
 * paths from the project root, where those modules now believe they live (bundle/beside-files.ts).
 * Runs on every build, warm ones too: a changed view must not wait for a change in the code.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { mirrorBesideFiles } from '../bundle/beside-files.js';
import { LIB_DIR } from '../../shared/layout.js';
import type { ReleaseStep } from '../release/run-steps.js';

const MIRRORED_FILE = 'beside-folders.json';

export const copyBesideFilesStep: ReleaseStep = {
  title: 'copying files beside the code',
  when: (release) => (release.nodeBundle?.besideFolders.length ?? 0) > 0 || existsSync(join(release.workDir, MIRRORED_FILE)),
  run: async (release) => {
    const bundle = release.nodeBundle!;
    const libDir = join(release.versionPath, LIB_DIR);
    const folders = bundle.besideFolders.map((dir) => relative(release.root, dir));
    // Folders mirrored by the last build and no longer needed go.
    const record = join(release.workDir, MIRRORED_FILE);
    const before = existsSync(record) ? (JSON.parse(readFileSync(record, 'utf8')) as string[]) : [];
    for (const folder of before) if (!folders.includes(folder)) rmSync(join(libDir, folder), { recursive: true, force: true });
    const besideFiles = mirrorBesideFiles({
      root: release.root,
      libDir,
      folders: bundle.besideFolders,
      mode: 'copy',
      bundled: new Set(bundle.bundledProjectFiles),
      emitted: new Set(bundle.emittedScripts),
    });
    writeFileSync(record, JSON.stringify(folders));
    return { ...release, besideFiles };
  },
  summary: (release) => {
    const folders = release.nodeBundle?.besideFolders.map((dir) => relative(release.root, dir)) ?? [];
    return `${folders.join(', ') || 'none'} (${release.besideFiles ?? 0} copied)`;
  },
};
