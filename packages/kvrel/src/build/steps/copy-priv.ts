/**
 * Step "copying priv": each application's priv/ folder (files it ships beside its code: templates,
 * data, migrations) goes to releases/<vsn>/priv/<app>, where Application.privDir(app) finds it
 * (OTP's code:priv_dir/1).
 */
import { existsSync } from 'node:fs';
import { cp, mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { PRIV_DIR } from '../../shared/layout.js';
import type { ReleaseStep } from '../release/run-steps.js';

export const copyPrivStep: ReleaseStep = {
  title: 'copying priv',
  run: async (release) => {
    for (const app of release.applications) {
      const source = join(app.dir, 'priv');
      if (!existsSync(source)) continue;
      const target = join(release.versionPath, PRIV_DIR, app.name);
      await mkdir(dirname(target), { recursive: true });
      await cp(source, target, { recursive: true, dereference: true });
    }
    return release;
  },
  summary: (release) => {
    const withPriv = release.applications.filter((a) => existsSync(join(a.dir, 'priv'))).map((a) => a.name);
    return withPriv.length > 0 ? withPriv.join(', ') : 'none';
  },
};
