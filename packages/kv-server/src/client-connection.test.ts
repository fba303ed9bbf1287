import { once } from 'node:events';
import { duplexPair, type Duplex } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { Registry, routeOperation, type KvOperation, type KvResult, type RouterContext, type RoutingTable } from 'kv';
import { ClientConnection, type ClientConnectionOptions } from './client-connection.js';
import { MAX_QUEUED_REPLIES } from './reply-queue.js';
import type { Execute } from './run-command.js';

const SELF = 'test@127.0.0.1';
const TABLE: RoutingTable = [{ from: 'a', to: 't', node: SELF }];

/** kv in this process: buckets a–t live here; other buckets have no route. */
function localKv(): { execute: Execute; registry: Registry } {
  const registry = new Registry();
  const context: RouterContext = {
    self: () => SELF,
    table: () => TABLE,
    registry,
    forward: () => Promise.reject(new Error('no other node in this test')),
  };
  return { execute: (operation) => routeOperation(context, operation), registry };
}

/** What the client side has received: the text, each chunk as written by the server, and whether it ended. */
function receive(client: Duplex) {
  const chunks: string[] = [];
  let ended = false;
  const waiters = new Set<() => void>();
  const notify = () => waiters.forEach((w) => w());
  client.on('data', (chunk: Buffer) => {
    chunks.push(chunk.toString('utf8'));
    notify();
  });
  client.on('end', () => {
    ended = true;
    notify();
  });
  const until = (done: () => boolean) =>
    new Promise<void>((resolve) => {
      const check = () => {
        if (!done()) return;
        waiters.delete(check);
        resolve();
      };
      waiters.add(check);
      check();
    });
  return {
    chunks,
    get text() {
      return chunks.join('');
    },
    get ended() {
      return ended;
    },
    /** Resolves once `length` characters have arrived; answers them. */
    async read(length: number): Promise<string> {
      await until(() => chunks.join('').length >= length);
      return chunks.join('');
    },
    end: () => until(() => ended),
  };
}

function connect(options: Partial<ClientConnectionOptions> = {}) {
  const kv = localKv();
  const [client, server] = duplexPair();
  const connection = new ClientConnection(server, { execute: kv.execute, ...options });
  return { client, server, connection, registry: kv.registry, replies: receive(client) };
}

/** Sends `request` and resolves with the reply text once `reply.length` more characters arrived. */
async function exchange(t: ReturnType<typeof connect>, request: string, reply: string): Promise<string> {
  const before = t.replies.text.length;
  t.client.write(request);
  return (await t.replies.read(before + reply.length)).slice(before);
}

function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

describe('ClientConnection', () => {
  it('serves the guide session', async () => {
    const t = connect();
    expect(await exchange(t, 'CREATE shopping\r\n', 'OK\r\n')).toBe('OK\r\n');
    expect(await exchange(t, 'PUT shopping milk 1\r\n', 'OK\r\n')).toBe('OK\r\n');
    expect(await exchange(t, 'PUT shopping eggs 3\r\n', 'OK\r\n')).toBe('OK\r\n');
    expect(await exchange(t, 'GET shopping milk\r\n', '1\r\nOK\r\n')).toBe('1\r\nOK\r\n');
    expect(await exchange(t, 'DELETE shopping eggs\r\n', 'OK\r\n')).toBe('OK\r\n');
    expect(await exchange(t, 'GET shopping eggs\r\n', '\r\nOK\r\n')).toBe('\r\nOK\r\n');
  });

  it('answers NOT FOUND, UNKNOWN COMMAND and ERROR, and stays open', async () => {
    const t = connect();
    expect(await exchange(t, 'GET shopping milk\n', 'NOT FOUND\r\n')).toBe('NOT FOUND\r\n');
    expect(await exchange(t, 'HELLO\n', 'UNKNOWN COMMAND\r\n')).toBe('UNKNOWN COMMAND\r\n');
    const error = 'ERROR no route for bucket "zebra"\r\n';
    expect(await exchange(t, 'CREATE zebra\n', error)).toBe(error);
    expect(await exchange(t, 'CREATE shopping\n', 'OK\r\n')).toBe('OK\r\n');
    expect(t.replies.ended).toBe(false);
  });

  it('answers pipelined commands of one packet in order, in one write', async () => {
    const t = connect();
    t.client.write('CREATE shopping\nPUT shopping milk 1\nPUT shopping eggs 3\nGET shopping milk\nGET shopping eggs\nBOGUS\n');
    const expected = 'OK\r\nOK\r\nOK\r\n1\r\nOK\r\n3\r\nOK\r\nUNKNOWN COMMAND\r\n';
    expect(await t.replies.read(expected.length)).toBe(expected);
    expect(t.replies.chunks).toEqual([expected]);
  });

  it('joins a \\r\\n split across packets', async () => {
    const t = connect();
    t.client.write('CREATE shop');
    t.client.write('ping\r');
    t.client.write('\nGET shopping milk\r');
    t.client.write('\n');
    expect(await t.replies.read(10)).toBe('OK\r\n\r\nOK\r\n');
  });

  it('answers async results and the replies after them in request order', async () => {
    const pending = new Map<string, ReturnType<typeof deferred<KvResult>>>();
    const kv = localKv();
    const execute: Execute = (operation: KvOperation) => {
      if (operation.bucket !== 'remote') return kv.execute(operation);
      const key = (operation as { key: string }).key;
      const d = deferred<KvResult>();
      pending.set(key, d);
      return d.promise;
    };
    const t = connect({ execute });
    t.client.write('CREATE shopping\nGET remote a\nPUT shopping milk 1\nGET remote b\nGET shopping milk\n');
    expect(await t.replies.read(4)).toBe('OK\r\n');
    await new Promise<void>((resolve) => setImmediate(resolve));
    expect(pending.size).toBe(2);
    pending.get('b')!.resolve({ status: 'ok', value: 'B' });
    await new Promise<void>((resolve) => setImmediate(resolve));
    expect(t.replies.text).toBe('OK\r\n');
    pending.get('a')!.resolve({ status: 'ok', value: 'A' });
    const expected = 'OK\r\nA\r\nOK\r\nOK\r\nB\r\nOK\r\n1\r\nOK\r\n';
    expect(await t.replies.read(expected.length)).toBe(expected);
  });

  it('answers ERROR line too long after the lines before it, then ends the output', async () => {
    const t = connect({ maxLineBytes: 32 });
    t.client.write(`CREATE shopping\n${'x'.repeat(100)}\nCREATE never\n`);
    await t.replies.end();
    expect(t.replies.text).toBe('OK\r\nERROR line too long\r\n');
    expect(t.registry.names()).toEqual(['shopping']);
    t.client.end();
    await t.connection.closed;
  });

  it('answers a line too long as soon as it passes the limit, before its newline', async () => {
    const t = connect({ maxLineBytes: 1024 });
    for (let i = 0; i < 4; i++) t.client.write('x'.repeat(300));
    await t.replies.end();
    expect(t.replies.text).toBe('ERROR line too long\r\n');
    t.client.write('y'.repeat(10_000)); // read and thrown away
    t.client.end();
    await t.connection.closed;
  });

  it('drops a client that stays after ERROR line too long once lingerMs passes', async () => {
    const t = connect({ maxLineBytes: 32, lingerMs: 200 });
    t.client.write(`${'x'.repeat(100)}\n`);
    await t.replies.end();
    expect(t.server.destroyed).toBe(false);
    t.client.write('CREATE never\n'); // read and thrown away
    await t.connection.closed;
    expect(t.replies.text).toBe('ERROR line too long\r\n');
    expect(t.registry.names()).toEqual([]);
  });

  it('answers binary junk with UNKNOWN COMMAND and keeps serving', async () => {
    const t = connect();
    t.client.write(Buffer.from([0x00, 0xff, 0x13, 0x37, 0xc3, 0x28, 0x0a]));
    expect(await t.replies.read(17)).toBe('UNKNOWN COMMAND\r\n');
    expect(await exchange(t, 'CREATE shopping\n', 'OK\r\n')).toBe('OK\r\n');
  });

  it('never runs a last line without its newline', async () => {
    const t = connect();
    t.client.write('CREATE shopping\nPUT shopping milk 1');
    t.client.end();
    await t.replies.end();
    expect(t.replies.text).toBe('OK\r\n');
    expect(t.registry.lookup('shopping')?.get('milk')).toBeUndefined();
    await t.connection.closed;
  });

  it('answers every line sent before the client ended its input', async () => {
    const t = connect();
    t.client.end('CREATE shopping\nPUT shopping milk 1\nGET shopping milk\n');
    await t.replies.end();
    expect(t.replies.text).toBe('OK\r\nOK\r\n1\r\nOK\r\n');
  });

  it('survives a client that vanishes mid-line', async () => {
    const errors: Error[] = [];
    const t = connect({ onError: (error) => errors.push(error) });
    t.client.write('CREATE shopping\nPUT shopping milk 1');
    await t.replies.read(4);
    t.server.destroy(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }));
    await t.connection.closed;
    expect(errors.map((e) => e.message)).toEqual(['read ECONNRESET']);
    expect(t.registry.lookup('shopping')?.get('milk')).toBeUndefined();
  });

  it('close() flushes the replies owed, then ends the output', async () => {
    const d = deferred<KvResult>();
    const t = connect({ execute: () => d.promise });
    t.client.write('GET remote a\n');
    await new Promise<void>((resolve) => setImmediate(resolve));
    t.connection.close();
    d.resolve({ status: 'ok', value: 'A' });
    await t.replies.end();
    expect(t.replies.text).toBe('A\r\nOK\r\n');
    await t.connection.closed;
  });

  describe('backpressure', () => {
    it('stops reading from a client that does not read, and serves it again once it reads', async () => {
      const value = 'v'.repeat(10_000);
      const calls = { count: 0 };
      const kv = localKv();
      const t = connect({
        execute: (operation) => {
          calls.count++;
          return kv.execute(operation);
        },
        maxPendingReplyBytes: 64 * 1024,
      });
      // The client does not read: replies pile up in the server side's write buffer.
      t.client.pause();
      t.client.removeAllListeners('data');
      t.client.write(`CREATE big\nPUT big k ${value}\n`);
      const gets = 1000;
      t.client.write('GET big k\n'.repeat(gets));
      await once(t.server, 'pause');
      const reply = `${value}\r\nOK\r\n`;
      expect(t.server.writableLength).toBeLessThanOrEqual(64 * 1024 + reply.length);
      expect(calls.count).toBeLessThan(gets / 2);

      // Reading again drains the replies and the server goes on until every command is answered.
      let received = 0;
      const expected = 2 * 'OK\r\n'.length + gets * reply.length;
      const done = new Promise<void>((resolve) => {
        t.client.on('data', (chunk: Buffer) => {
          received += chunk.length;
          if (received >= expected) resolve();
        });
      });
      t.client.resume();
      await done;
      expect(received).toBe(expected);
      expect(calls.count).toBe(gets + 2);
    });

    it('stops reading while too many replies wait behind an unsettled one', async () => {
      const t = connect({ execute: () => new Promise<KvResult>(() => {}) });
      t.client.write('GET remote k\n'.repeat(MAX_QUEUED_REPLIES + 100));
      await once(t.server, 'pause');
      expect(t.connection.queuedReplies).toBe(MAX_QUEUED_REPLIES);
    });

    it('drops a client whose unread replies pass the hard bound', async () => {
      const value = 'v'.repeat(10_000);
      const d = deferred<KvResult>();
      const errors: Error[] = [];
      const t = connect({
        execute: () => d.promise,
        maxPendingReplyBytes: 16 * 1024,
        dropPendingReplyBytes: 64 * 1024,
        onError: (error) => errors.push(error),
      });
      t.client.pause();
      t.client.removeAllListeners('data');
      t.client.write('GET remote k\n'.repeat(20));
      await new Promise<void>((resolve) => setImmediate(resolve));
      d.resolve({ status: 'ok', value }); // 20 replies of 10 kB land at once
      await t.connection.closed;
      expect(errors[0]?.message).toMatch(/^client dropped: \d+ bytes of unread replies \(limit 65536\)$/);
    });
  });
});
