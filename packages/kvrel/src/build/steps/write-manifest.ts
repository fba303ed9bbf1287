/** Step "writing the manifest": releases/<vsn>/manifest.json, what the release is and when it was built. */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ReleaseManifest } from '../../shared/manifest.js';
import { MANIFEST_FILE } from '../../shared/layout.js';
import { requireFact, type Release } from '../release/release.js';
import type { ReleaseStep } from '../release/run-steps.js';

export function releaseManifest(release: Release): ReleaseManifest {
  return {
    vmArgsVia: requireFact(release, 'baseBinary', 'manifest').vmArgsVia,
    name: release.name,
    version: release.version,
    env: release.env,
    target: release.target,
    modes: Object.fromEntries(release.applications.map((a) => [a.name, a.mode])),
    addons: release.addons ?? [],
  };
}

export const writeManifestStep: ReleaseStep = {
  title: 'writing the manifest',
  run: async (release) => {
    const manifest = { ...releaseManifest(release), builtAt: new Date().toISOString() };
    await writeFile(join(release.versionPath, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
    return release;
  },
};
