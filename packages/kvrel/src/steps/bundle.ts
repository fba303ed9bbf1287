/**
 * Step "bundling": the release's executable code: the release entry (dispatching bin/<name>'s
 * commands) and only this release's applications and their dependencies, minified, CommonJS.
 */
import { join } from 'node:path';
import { kvrelPackageFile } from '../package-dir.js';
import { bundleNodeCode } from '../bundle/bundle-node-code.js';
import { renderApplicationsModule } from '../bundle/applications-module.js';
import { releaseManifest } from '../release/manifest.js';
import type { ReleaseStep } from '../release/run-steps.js';

export const NODE_TARGET = 'node24';

export const bundleStep: ReleaseStep = {
  title: 'bundling',
  run: async (release) => {
    const bundleFile = join(release.workDir, 'bundle.cjs');
    const entrySource =
      renderApplicationsModule(release.applications.filter((a) => a.mode !== 'none')) +
      `import { releaseMain } from ${JSON.stringify(kvrelPackageFile('src', 'launcher', 'release-main.ts'))};\n` +
      `void releaseMain(applications, ${JSON.stringify(releaseManifest(release))});\n`;
    await bundleNodeCode({ root: release.root, entrySource, outfile: bundleFile, target: NODE_TARGET, minify: true });
    return { ...release, bundleFile };
  },
  summary: (release) => release.applications.map((a) => `${a.name} ${a.mode}`).join(', '),
};
