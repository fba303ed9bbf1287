/**
 * Bundles the release's executable code: the release entry (dispatching bin/<name>'s commands) and
 * only this release's applications and their dependencies, minified, CommonJS, built-ins only.
 */
import { kvrelEntryFile } from '../package-dir.js';
import { bundleNode } from '../node/bundle-node.js';
import { renderApplicationsModule } from '../node/applications-module.js';
import type { Release } from '../release/release.js';
import type { ReleaseManifest } from '../release-node/release-context.js';
import type { VmArgsVia } from './base-node.js';

export const NODE_TARGET = 'node24';

export function releaseManifest(release: Release, vmArgsVia: VmArgsVia): ReleaseManifest {
  return {
    vmArgsVia,
    name: release.name,
    version: release.version,
    env: release.env,
    modes: Object.fromEntries(release.applications.map((a) => [a.name, a.mode])),
  };
}

export async function bundleRelease(release: Release, vmArgsVia: VmArgsVia, outfile: string): Promise<void> {
  const entrySource =
    renderApplicationsModule(release.applications.filter((a) => a.mode !== 'none')) +
    `import { releaseMain } from ${JSON.stringify(kvrelEntryFile('release-node/release-main'))};\n` +
    `void releaseMain(applications, ${JSON.stringify(releaseManifest(release, vmArgsVia))});\n`;
  await bundleNode({ root: release.root, entrySource, outfile, target: NODE_TARGET, minify: true });
}
