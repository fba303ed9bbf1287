/**
 * Bundles the release's executable code: the release entry (dispatching bin/<name>'s commands) and
 * only this release's applications and their dependencies, minified, CommonJS, built-ins only.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { existsSync } from 'node:fs';
import { bundleNode } from '../node/bundle-node.js';
import { renderApplicationsModule } from '../node/applications-module.js';
import type { Release } from '../release/release.js';
import type { ReleaseManifest } from '../release-node/release-context.js';
import type { VmArgsVia } from './base-node.js';

export const NODE_TARGET = 'node24';

/** The release entry's source file, found from the sources or from the built CLI (dist/). */
function releaseMainFile(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i++) {
    const file = join(dir, 'src', 'release-node', 'release-main.ts');
    if (existsSync(file)) return file;
    const sibling = join(dir, 'release-node', 'release-main.ts');
    if (existsSync(sibling)) return sibling;
    dir = dirname(dir);
  }
  throw new Error('kvrel: release-node/release-main.ts not found');
}

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
    `import { releaseMain } from ${JSON.stringify(releaseMainFile())};\n` +
    `void releaseMain(applications, ${JSON.stringify(releaseManifest(release, vmArgsVia))});\n`;
  await bundleNode({ root: release.root, entrySource, outfile, target: NODE_TARGET, minify: true });
}
