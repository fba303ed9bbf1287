import { describe, expect, it } from 'vitest';
import { Registry, routeOperation, type KvOperation, type KvResult, type RouterContext, type RoutingTable } from 'kv';
import { parseCommand } from './command.js';
import { runCommand, type Execute } from './run-command.js';

const SELF = 'test@127.0.0.1';
const TABLE: RoutingTable = [
  { from: 'a', to: 't', node: SELF },
  { from: 'u', to: 'y', node: 'remote@127.0.0.1' },
];

/** kv in this process: buckets a–t here, u–y "remote" (answered asynchronously), z unrouted. */
function localKv(): Execute {
  const remote = new Registry();
  const context: RouterContext = {
    self: () => SELF,
    table: () => TABLE,
    registry: new Registry(),
    forward: async (_node: string, operation: KvOperation): Promise<KvResult> => {
      if (operation.bucket.startsWith('x')) throw new Error('node "remote@127.0.0.1" is not reachable (connection refused)');
      return routeOperation({ ...context, self: () => 'remote@127.0.0.1', registry: remote }, operation, [SELF]);
    },
  };
  return (operation) => routeOperation(context, operation);
}

const run = (execute: Execute, line: string) => runCommand(parseCommand(line), execute);

describe('runCommand', () => {
  it('answers the guide session synchronously for a local bucket', () => {
    const execute = localKv();
    expect(run(execute, 'CREATE shopping')).toBe('OK\r\n');
    expect(run(execute, 'PUT shopping milk 1')).toBe('OK\r\n');
    expect(run(execute, 'PUT shopping eggs 3')).toBe('OK\r\n');
    expect(run(execute, 'GET shopping milk')).toBe('1\r\nOK\r\n');
    expect(run(execute, 'DELETE shopping eggs')).toBe('OK\r\n');
    expect(run(execute, 'GET shopping eggs')).toBe('\r\nOK\r\n');
  });

  it('answers NOT FOUND for a bucket that does not exist', () => {
    const execute = localKv();
    expect(run(execute, 'GET fruit apple')).toBe('NOT FOUND\r\n');
    expect(run(execute, 'PUT fruit apple 1')).toBe('NOT FOUND\r\n');
    expect(run(execute, 'DELETE fruit apple')).toBe('NOT FOUND\r\n');
  });

  it('answers UNKNOWN COMMAND without calling kv', () => {
    const execute: Execute = () => {
      throw new Error('kv must not be called');
    };
    expect(run(execute, 'HELLO')).toBe('UNKNOWN COMMAND\r\n');
  });

  it('answers ERROR naming the bucket when no route matches', () => {
    expect(run(localKv(), 'CREATE zebra')).toBe('ERROR no route for bucket "zebra"\r\n');
  });

  it('answers a forwarded bucket through a promise', async () => {
    const execute = localKv();
    const created = run(execute, 'CREATE vegetables');
    expect(created).toBeInstanceOf(Promise);
    expect(await created).toBe('OK\r\n');
    expect(await run(execute, 'PUT vegetables one 1')).toBe('OK\r\n');
    expect(await run(execute, 'GET vegetables one')).toBe('1\r\nOK\r\n');
    expect(await run(execute, 'GET umbrella one')).toBe('NOT FOUND\r\n');
  });

  it('answers ERROR naming the node when forwarding fails', async () => {
    expect(await run(localKv(), 'GET xylophone a')).toBe('ERROR node "remote@127.0.0.1" is not reachable (connection refused)\r\n');
  });

  it('turns a throwing or rejecting kv into ERROR on one line', async () => {
    const throwing: Execute = () => {
      throw new Error('the kv application is not started');
    };
    expect(run(throwing, 'GET a b')).toBe('ERROR the kv application is not started\r\n');
    const rejecting: Execute = () => Promise.reject(new Error('went away\r\nwhile handling'));
    expect(await run(rejecting, 'GET a b')).toBe('ERROR went away while handling\r\n');
  });
});
