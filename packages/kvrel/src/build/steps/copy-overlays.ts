/**
 * Step "copying overlays": rel/overlays/ and each folder of the release's `overlays`, copied into the
 * release root (Mix's overlays; copied into the folder the release is assembled in, then published): scripts, configuration files, anything the ' +
'release should carry.
 */
import { existsSync, statSync } from 'node:fs';
import { cp } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { ReleaseStep } from '../release/run-steps.js';
import { assemblyRoot } from '../release/release.js';
import { UserError } from '../../shared/user-error.js';

export const copyOverlaysStep: ReleaseStep = {
  title: 'copying overlays',
  when: (release) => release.overlays.length > 0,
  run: async (release) => {
    for (const overlay of release.overlays) {
      const source = resolve(release.root, overlay);
      if (!existsSync(source) || !statSync(source).isDirectory()) {
        throw new UserError(
          'KVREL_INVALID_RELEASE',
          `release ${JSON.stringify(release.name)}: overlay ${JSON.stringify(overlay)} is not a folder (looked at ${source}); create it or remove it ` +
            `from overlays`,
        );
      }
      await cp(source, assemblyRoot(release), { recursive: true, dereference: true, force: true });
    }
    return release;
  },
  summary: (release) => release.overlays.join(', '),
};
