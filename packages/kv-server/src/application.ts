/**
 * The kv-server application: a supervised listener on kv-server.port (default 4040). A listener that
 * cannot listen (EADDRINUSE) is retried by the supervisor; past its restart intensity the supervisor
 * gives up and the application exits abnormally, as in the guide's :eaddrinuse example.
 */
import { Application, Supervisor, defineApplication, registerMeasure } from '@kvrel/runtime';
import { execute } from 'kv';
import type { KvOperation } from 'kv';
import { resolveServerOptions, SERVER_ENV_DEFAULTS } from './server-options.js';
import { listenerChildSpec, type KvServer } from './server.js';

const NO_NODES_SEEN: readonly string[] = Object.freeze([]);

let listener: KvServer | undefined;

/** Clients connected to this node's listener. */
export function connections(): number {
  return listener?.connectionCount ?? 0;
}

/** The port this node's listener is bound to (the real one when kv-server.port is 0); undefined when not listening. */
export function port(): number | undefined {
  return listener?.port;
}

export default defineApplication({
  name: 'kv-server',
  description: 'The line-based TCP front end of kv',
  env: { ...SERVER_ENV_DEFAULTS },
  async start() {
    const options = resolveServerOptions(
      (key, defaultValue) => Application.getEnv('kv-server', key, defaultValue),
      (operation: KvOperation) => execute(operation, NO_NODES_SEEN),
    );
    const supervisor = await Supervisor.start(
      [
        listenerChildSpec(options, (server) => {
          listener = server;
          void server.exited.then(() => {
            if (listener === server) listener = undefined;
          });
        }),
      ],
      { name: 'kv-server' },
    );
    // Open client connections, for status, top and the metrics endpoint.
    const unregister = registerMeasure({
      name: 'kv_server_connections',
      help: 'Open client connections',
      type: 'gauge',
      headline: 'connections',
      read: connections,
    });
    void supervisor.exited.then(unregister);
    return supervisor;
  },
});
