/**
 * For kv-server's tests: listeners on 127.0.0.1 (port 0) in front of an in-process kv that owns every
 * bucket, with the sockets opened to them, all closed after each test; the log goes to logged().
 */
import type net from 'node:net';
import { afterEach, beforeEach, vi, type MockInstance } from 'vitest';
import { Registry, routeOperation, type RouterContext } from 'kv';
import { DEFAULT_CONNECTION_LIMITS } from '../connection-limits.js';
import { KvServer, type ServerOptions } from '../server.js';

const SELF = 'test@127.0.0.1';
const TABLE = [{ from: 'a', to: 'z', node: SELF }];

/** Call at the top level of a test file. */
export function testServersForThisFile() {
  let stdout: MockInstance<typeof process.stdout.write> | undefined;
  const stoppable: Array<{ stop(): Promise<unknown> }> = [];
  const sockets: net.Socket[] = [];
  beforeEach(() => {
    stdout = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  });
  afterEach(async () => {
    for (const socket of sockets.splice(0)) socket.destroy();
    await Promise.all(stoppable.splice(0).map((s) => s.stop()));
    vi.restoreAllMocks();
  });
  const options = (overrides: Partial<ServerOptions> = {}): ServerOptions => {
    const context: RouterContext = { self: () => SELF, table: () => TABLE, registry: new Registry(), forward: () => Promise.reject(new Error('none')) };
    return { ...DEFAULT_CONNECTION_LIMITS, port: 0, host: '127.0.0.1', execute: (op) => routeOperation(context, op), ...overrides };
  };
  const stopAfterTest = <T extends { stop(): Promise<unknown> }>(thing: T): T => {
    stoppable.push(thing);
    return thing;
  };
  return {
    options,
    listen: async (overrides: Partial<ServerOptions> = {}): Promise<KvServer> => stopAfterTest(await KvServer.listen(options(overrides))),
    stopAfterTest,
    destroyAfterTest: (socket: net.Socket): net.Socket => {
      sockets.push(socket);
      return socket;
    },
    /** What the servers logged during this test. */
    logged: () => (stdout?.mock.calls ?? []).map((c) => String(c[0])).join(''),
  };
}
