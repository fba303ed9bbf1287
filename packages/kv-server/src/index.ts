/**
 * kv-server: the public module, in scope as `KVServer` for rpc/eval/remote
 * (`KVServer.port()`, `KVServer.connections()`, `KVServer.parseCommand('GET shopping milk')`).
 */
export { default as application, connections, port } from './application.js';
export { parseCommand } from './command.js';
export type { Command } from './command.js';
export { runCommand } from './run-command.js';
export type { Execute } from './run-command.js';
export { ClientConnection } from './client-connection.js';
export type { ClientConnectionOptions, ConnectionLimits } from './client-connection.js';
export { KvServer, listenerChildSpec } from './server.js';
export type { ServerOptions } from './server.js';
