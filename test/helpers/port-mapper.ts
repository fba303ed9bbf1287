/**
 * Starts the host's port mapper for one test file, on a free port, as a process the test tracks by
 * pid: nodes then find it running and start none of their own (a node-started mapper is detached
 * and outlives the node, as epmd does, so a test could not clean it up by pid).
 */
import { connect } from 'node:net';
import { freePort } from './free-port.js';
import { start, type Started } from './processes.js';
import { kvrelBin } from './repo.js';
import { waitFor } from './wait-for.js';

export async function startPortMapper(): Promise<number> {
  return (await startPortMapperProcess()).port;
}

/** The mapper's process (its pid, to read its memory) and port. */
export async function startPortMapperProcess(): Promise<{ port: number; process: Started }> {
  const port = await freePort();
  const mapper = start(process.execPath, [kvrelBin], { env: { KVREL_RUN_PORT_MAPPER: '1', KVREL_PORT_MAPPER_PORT: String(port) } });
  await waitFor(
    () =>
      new Promise<boolean>((resolve) => {
        const socket = connect({ port, host: '127.0.0.1' }, () => {
          socket.destroy();
          resolve(true);
        });
        socket.on('error', () => resolve(false));
      }),
    { what: `the port mapper to listen on ${port}`, details: () => mapper.output() },
  );
  return { port, process: mapper };
}
