/**
 * Step "bundling the launcher": the executable's main (launcher/launcher-entry.ts, every bin/<name>
 * command), one CommonJS file for the base Node's major version. Kept while its sources are unchanged.
 */
import { join } from 'node:path';
import { bundleLauncher } from '../bundle/bundle-launcher.js';
import { requireFact } from '../release/release.js';
import type { ReleaseStep } from '../release/run-steps.js';

const TITLE = 'bundling the launcher';

export const bundleLauncherStep: ReleaseStep = {
  title: TITLE,
  run: async (release) => {
    const { info } = requireFact(release, 'baseBinary', TITLE);
    const launcherFile = join(release.workDir, 'launcher.cjs');
    await bundleLauncher(launcherFile, `node${info.version.replace(/^v/, '').split('.')[0]}`, join(release.workDir, 'launcher-state.json'));
    return { ...release, launcherFile };
  },
};
