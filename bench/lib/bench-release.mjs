// Release foo built once per bench run (warm caches) into a temp folder, for the groups that load it.
import { join } from 'node:path';
import { buildRelease } from './release-build.mjs';
import { makeTempDir } from './temp-dirs.mjs';

let built;

export function benchRelease() {
  built ??= (async () => {
    const dir = join(makeTempDir('kvrel-bench-rel-'), 'foo');
    await buildRelease(dir);
    return dir;
  })();
  return built;
}
