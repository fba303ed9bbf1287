/** Step "writing the manifest": releases/<vsn>/manifest.json, what the release is and when it was built. */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { releaseManifest } from '../release/manifest.js';
import { MANIFEST_FILE } from '../release/layout.js';
import type { ReleaseStep } from '../release/run-steps.js';

export const writeManifestStep: ReleaseStep = {
  title: 'writing the manifest',
  run: async (release) => {
    const manifest = { ...releaseManifest(release), builtAt: new Date().toISOString() };
    await writeFile(join(release.versionPath, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
    return release;
  },
};
