import { once } from 'node:events';
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { KvServer, listenerChildSpec } from './server.js';
import { testServersForThisFile } from './test-support/test-servers.js';

const servers = testServersForThisFile();
const { options, listen, logged } = servers;

/** A line client over real TCP: send, then read until the text so far satisfies a condition. */
async function client(port: number) {
  const socket = net.connect({ port, host: '127.0.0.1' });
  servers.destroyAfterTest(socket);
  await once(socket, 'connect');
  let text = '';
  let ended = false;
  const waiters = new Set<() => void>();
  socket.on('data', (chunk: Buffer) => {
    text += chunk.toString('utf8');
    waiters.forEach((w) => w());
  });
  socket.on('end', () => {
    ended = true;
    waiters.forEach((w) => w());
  });
  socket.on('error', () => {});
  const until = (done: () => boolean) =>
    new Promise<void>((resolve) => {
      const check = () => {
        if (done()) {
          waiters.delete(check);
          resolve();
        }
      };
      waiters.add(check);
      check();
    });
  return {
    socket,
    async request(line: string, replyLength: number): Promise<string> {
      const before = text.length;
      socket.write(line);
      await until(() => text.length >= before + replyLength);
      return text.slice(before);
    },
    ended: async () => {
      await until(() => ended);
      return text;
    },
  };
}

async function waitFor(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise<void>((resolve) => setImmediate(resolve));
}

describe('KvServer', () => {
  it('serves the protocol over TCP and logs the port it listens on', async () => {
    const server = await listen();
    expect(server.port).toBeGreaterThan(0);
    expect(logged()).toContain(`[info] kv-server: accepting connections on port ${server.port}`);
    const c = await client(server.port!);
    expect(await c.request('CREATE shopping\r\n', 4)).toBe('OK\r\n');
    expect(await c.request('PUT shopping milk 1\r\nGET shopping milk\r\n', 11)).toBe('OK\r\n1\r\nOK\r\n');
    expect(server.connectionCount).toBe(1);
  });

  it('rejects listen with the error when the port is taken', async () => {
    const first = await listen();
    await expect(KvServer.listen(options({ port: first.port! }))).rejects.toMatchObject({ code: 'EADDRINUSE' });
  });

  it('keeps serving other clients when one resets mid-line', async () => {
    const server = await listen();
    const a = await client(server.port!);
    const b = await client(server.port!);
    await waitFor(() => server.connectionCount === 2);
    a.socket.write('PUT shopping milk 1');
    a.socket.resetAndDestroy();
    await waitFor(() => server.connectionCount === 1);
    expect(await b.request('CREATE shopping\nGET shopping milk\n', 10)).toBe('OK\r\n\r\nOK\r\n');
  });

  it('answers a line over the limit and closes, while the client is still sending', async () => {
    const server = await listen({ maxLineBytes: 1024 });
    const c = await client(server.port!);
    c.socket.write('x'.repeat(4 * 1024 * 1024));
    expect(await c.ended()).toBe('ERROR line too long\r\n');
  });

  it('closes its clients on stop and exits normally', async () => {
    const server = await listen();
    const c = await client(server.port!);
    await c.request('CREATE shopping\n', 4);
    await server.stop();
    expect(await c.ended()).toBe('OK\r\n');
    expect(server.connectionCount).toBe(0);
    expect(server.port).toBeUndefined();
    expect(await server.exited).toBe('normal');
  });

  it('exits with the error when the listener fails after listening', async () => {
    const server = await listen();
    const failure = new Error('accept EMFILE');
    (server as unknown as { server: net.Server }).server.emit('error', failure);
    expect(await server.exited).toBe(failure);
  });
});

describe('listenerChildSpec', () => {
  it('is a permanent child that reports the server it started', async () => {
    let reported: KvServer | undefined;
    const spec = listenerChildSpec(options(), (server) => (reported = server));
    expect(spec).toMatchObject({ id: 'listener', restart: 'permanent' });
    const child = (await spec.start()) as KvServer;
    servers.stopAfterTest(child);
    expect(reported).toBe(child);
  });
});
