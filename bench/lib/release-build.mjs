// Builds a release with the repository's kvrel (or another checkout's: `root`) into a folder of the bench and times it.
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { spawnTracked, tail, waitForExit } from './processes.mjs';
import { KVREL_BIN, ROOT } from './repo.mjs';

export async function buildRelease(dir, { name = 'foo', tar = false, node, target, root = ROOT, timeoutMs = 120_000 } = {}) {
  const args = [
    root === ROOT ? KVREL_BIN : join(root, 'packages', 'kvrel', 'dist', 'bin', 'kvrel.cjs'),
    'release',
    name,
    '--path',
    dir,
    ...(tar ? ['--tar'] : []),
    ...(node ? ['--node', node] : []),
    ...(target ? ['--target', target] : []),
  ];
  const t0 = performance.now();
  const child = spawnTracked(process.execPath, args, { cwd: root });
  const status = await waitForExit(child, timeoutMs, `kvrel release ${name}`);
  const seconds = (performance.now() - t0) / 1000;
  if (status.code !== 0) throw new Error(`kvrel release ${name} failed (${JSON.stringify(status)}):\n${tail(child.output)}`);
  return {
    seconds,
    output: child.output,
    command:
      `node packages/kvrel/dist/bin/kvrel.cjs release ${name} --path ` +
      `<tmp>/${name}${tar ? ' --tar' : ''}${node ? ` --node ${node}` : ''}${target ? ` --target ${target}` : ''}`,
  };
}
