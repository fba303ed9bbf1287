// Starts a kv node for the bench, from source (`kvrel run`) or from a built release (`bin/foo start`),
// on a free port of its own with a port mapper port of its own, and waits until it accepts.
import { join } from 'node:path';
import { freePort } from './free-port.mjs';
import { allocatePortMapperPort } from './port-mapper.mjs';
import { spawnTracked, waitForOutput } from './processes.mjs';
import { KVREL_BIN, ROOT } from './repo.mjs';

const ACCEPTING = /accepting connections on port (\d+)/;

async function nodeEnv(port, env) {
  return { ...process.env, PORT: String(port), KVREL_PORT_MAPPER_PORT: String(await allocatePortMapperPort()), ...env };
}

/** `node [nodeArgs] dist/bin/kvrel.cjs run [args]`; resolves once it logs that it accepts and has booted. */
export async function startSourceNode({ args = [], env = {}, nodeArgs = [], port } = {}) {
  port ??= await freePort();
  const child = spawnTracked(process.execPath, [...nodeArgs, KVREL_BIN, 'run', ...args], { cwd: ROOT, env: await nodeEnv(port, env) });
  await waitForOutput(child, ACCEPTING, 30_000, `kvrel run ${args.join(' ')} to accept on ${port}`);
  // The node is kvrel run's child on the embedded Node: its pid (measured, stopped) and version from its log.
  const [, pid, nodeVersion] = await waitForOutput(
    child,
    / started on \S+ \(pid (\d+), Node (v[\d.]+)\)/,
    30_000,
    `kvrel run ${args.join(' ')} to finish booting`,
  );
  return {
    child,
    pid: Number(pid),
    nodeVersion,
    port,
    command: `PORT=<free> node ${[...nodeArgs, 'packages/kvrel/dist/bin/kvrel.cjs', 'run', ...args].join(' ')}`,
  };
}

/** `<releaseDir>/bin/<name> start` (exec's the executable: same pid), distribution off unless env says. */
export async function startReleaseNode({ releaseDir, name = 'foo', env = {}, port } = {}) {
  port ??= await freePort();
  const child = spawnTracked(join(releaseDir, 'bin', name), ['start'], { env: await nodeEnv(port, { RELEASE_DISTRIBUTION: 'none', ...env }) });
  await waitForOutput(child, ACCEPTING, 30_000, `bin/${name} start to accept on ${port}`);
  // Registered for distribution only once fully booted ("started on"), after it accepts.
  await waitForOutput(child, / started on /, 30_000, `bin/${name} start to finish booting`);
  return { child, pid: child.pid, port, command: `PORT=<free> RELEASE_DISTRIBUTION=${env.RELEASE_DISTRIBUTION ?? 'none'} <release>/bin/${name} start` };
}
