// One boot: exec `command args` with PORT=<free port>, time from the spawn until 127.0.0.1:PORT accepts a
// TCP connect (polled every 0.5 ms), then SIGTERM it by pid and check that it exits 0.
import { performance } from 'node:perf_hooks';
import { freePort } from './free-port.mjs';
import { allocatePortMapperPort } from './port-mapper.mjs';
import { spawnTracked, stopProcess } from './processes.mjs';
import { waitForAccept } from './wait-for-accept.mjs';

/**
 * `options.anyExit`: a program that does not exit 0 on SIGTERM (a plain app's own handling) is still timed.
 * `options.portVars`: the variables that name the port awaited (default PORT; a release with several
 * applications reads one port variable per application). `options.timeoutMs`: how long to wait for the
 * accept (default 15 s; an emulated node needs more), and as long for it to exit on SIGTERM.
 */
export async function bootToAccept(command, args, env, options = {}) {
  const port = await freePort();
  const mapperPort = env.KVREL_PORT_MAPPER_PORT ?? String(await allocatePortMapperPort());
  const t0 = performance.now();
  const portEnv = Object.fromEntries((options.portVars ?? ['PORT']).map((name) => [name, String(port)]));
  const child = spawnTracked(command, args, {
    env: { ...process.env, KVREL_PORT_MAPPER_PORT: mapperPort, ...env, ...portEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let acceptedAt;
  try {
    acceptedAt = await waitForAccept(port, { child, ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}) });
  } finally {
    await stopProcess(child, options.timeoutMs);
  }
  const status = child.exitStatus;
  if (status.code !== 0 && !options.anyExit)
    throw new Error(`${command} ${args.join(' ')} exited ${JSON.stringify(status)} on SIGTERM:\n${child.output.slice(-1000)}`);
  return acceptedAt - t0;
}
