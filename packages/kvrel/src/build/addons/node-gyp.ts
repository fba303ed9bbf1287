/**
 * Finds node-gyp, the tool npm itself builds addons with: the one npm points its scripts at
 * (npm_config_node_gyp), else the copy bundled with the npm that runs kvrel or is on PATH.
 */
import { existsSync, realpathSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';

export function findNodeGyp(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const candidates: string[] = [];
  if (env['npm_config_node_gyp']) candidates.push(env['npm_config_node_gyp']);
  const npmCli = env['npm_execpath'];
  if (npmCli) candidates.push(join(dirname(npmCli), '..', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'));
  for (const dir of (env['PATH'] ?? '').split(delimiter)) {
    const npm = join(dir, 'npm');
    if (!dir || !existsSync(npm)) continue;
    try {
      candidates.push(join(dirname(realpathSync(npm)), '..', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'));
    } catch {
      // a broken link: try the next one
    }
  }
  return candidates.find((file) => existsSync(file));
}
