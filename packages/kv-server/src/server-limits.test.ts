/**
 * The listener's limits (SPEC §10) over real TCP on 127.0.0.1, with small values: the connection
 * cap, the idle and partial-line deadlines, and the node-wide buffer budget.
 */
import { once } from 'node:events';
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { waitFor } from '../../runtime/src/test-support/wait-for.js';
import { BUFFER_LIMIT_REPLY } from './client-connection.js';
import { LINE_TIMEOUT_REPLY, MAX_CONNECTIONS_REPLY } from './server.js';
import { testServersForThisFile } from './test-support/test-servers.js';

const servers = testServersForThisFile();
const { listen, logged } = servers;

/** A raw client: what it received, whether the server ended or closed it. */
async function client(port: number, { read = true } = {}) {
  const socket = net.connect({ port, host: '127.0.0.1' });
  servers.destroyAfterTest(socket);
  await once(socket, 'connect');
  const state = { text: '', ended: false, closed: false };
  if (read) socket.on('data', (chunk: Buffer) => (state.text += chunk.toString('latin1')));
  else socket.pause();
  socket.on('end', () => (state.ended = true));
  socket.on('close', () => (state.closed = true));
  socket.on('error', () => {});
  return { socket, state };
}

/** Waits for a condition; the failure names what was awaited. */
async function until(what: string, condition: () => boolean, timeoutMs = 5000): Promise<void> {
  await waitFor(condition, { what, timeoutMs, intervalMs: 5 });
}

describe('KvServer limits', () => {
  it('answers a client over maxConnections with ERROR and closes it; the others are served', async () => {
    const server = await listen({ maxConnections: 2 });
    const a = await client(server.port!);
    const b = await client(server.port!);
    await until('two clients', () => server.connectionCount === 2);
    const over = await client(server.port!);
    await until('the refused client to end', () => over.state.ended);
    expect(over.state.text).toBe(MAX_CONNECTIONS_REPLY);
    expect(server.connectionCount).toBe(2);
    expect(logged()).toMatch(/\[warning\] kv-server: refused client 127\.0\.0\.1:\d+: 2 clients connected \(kv-server\.maxConnections 2\)/);
    b.socket.write('CREATE shopping\n');
    await until('b to be served', () => b.state.text === 'OK\r\n');
    a.socket.destroy();
    await until('a to leave', () => server.connectionCount === 1);
    const next = await client(server.port!);
    next.socket.write('GET shopping milk\n');
    await until('a new client to be served', () => next.state.text === '\r\nOK\r\n');
  });

  it('closes a client with no traffic for idleTimeoutMs, not one that keeps talking', async () => {
    const server = await listen({ idleTimeoutMs: 300 });
    const idle = await client(server.port!);
    const busy = await client(server.port!);
    idle.socket.write('CREATE shopping\n');
    const talk = setInterval(() => busy.socket.write('GET shopping milk\n'), 20);
    try {
      await until('the idle client to be closed', () => idle.state.ended);
      expect(idle.state.text).toBe('OK\r\n');
      expect(busy.state.ended).toBe(false);
    } finally {
      clearInterval(talk);
    }
    expect(logged()).toMatch(/closed client 127\.0\.0\.1:\d+: no traffic for 300 ms \(kv-server\.idleTimeoutMs\)/);
    await until('the busy client to be closed once quiet', () => busy.state.ended);
  });

  it('closes a client whose partial line waits lineTimeoutMs, answering the lines before it', async () => {
    const server = await listen({ lineTimeoutMs: 200 });
    const slow = await client(server.port!);
    slow.socket.write('CREATE shopping\nPUT shopping milk');
    // Dribbling bytes of the same line does not reset the deadline.
    const dribble = setInterval(() => slow.socket.write('1'), 20);
    try {
      await until('the slow client to be closed', () => slow.state.ended);
    } finally {
      clearInterval(dribble);
    }
    expect(slow.state.text).toBe(`OK\r\n${LINE_TIMEOUT_REPLY}`);
    expect(logged()).toMatch(/closed client 127\.0\.0\.1:\d+: a partial line waited over 200 ms for its newline \(kv-server\.lineTimeoutMs\)/);
    const check = await client(server.port!);
    check.socket.write('GET shopping milk\n');
    await until('the partial PUT not to have run', () => check.state.text === '\r\nOK\r\n');
  });

  it('closes the clients holding the most partial-line bytes once all pass maxBufferedBytes', async () => {
    const limit = 1_000_000;
    const server = await listen({ maxBufferedBytes: limit, maxLineBytes: 400_000 });
    const hostile: Array<Awaited<ReturnType<typeof client>>> = [];
    for (let i = 0; i < 8; i++) hostile.push(await client(server.port!));
    const polite = await client(server.port!);
    polite.socket.write('CREATE shopping\nPUT shopping milk ');
    for (const [i, h] of hostile.entries()) h.socket.write(Buffer.alloc(150_000 + i * 10_000, 'x'));
    await until('the biggest holders to be closed', () => hostile.filter((h) => h.state.closed).length >= 2);
    await until('the rest to be counted', () => server.bufferedBytes > 500_000);
    expect(server.bufferedBytes).toBeLessThanOrEqual(limit);
    // The biggest went first: the smallest hostile clients are still connected.
    expect(hostile.slice(0, 2).every((h) => !h.state.closed)).toBe(true);
    expect(hostile.at(-1)!.state.text).toBe(BUFFER_LIMIT_REPLY);
    polite.socket.write('1\nGET shopping milk\n');
    await until('the polite client to be served', () => polite.state.text === 'OK\r\nOK\r\n1\r\nOK\r\n');
    expect(logged()).toMatch(
      /closed client 127\.0\.0\.1:\d+: it held \d+ bytes when the clients' buffers passed 1000000 bytes \(kv-server\.maxBufferedBytes\)/,
    );
  });

  it('counts unsent replies against maxBufferedBytes: a client that does not read is closed', async () => {
    const server = await listen({
      maxBufferedBytes: 2_000_000,
      maxLineBytes: 200_000,
      maxPendingReplyBytes: 64 * 1024 * 1024,
      dropPendingReplyBytes: 64 * 1024 * 1024,
    });
    const writer = await client(server.port!);
    writer.socket.write(`CREATE big\nPUT big k ${'v'.repeat(100_000)}\n`);
    await until('the value to be stored', () => writer.state.text === 'OK\r\nOK\r\n');
    const reader = await client(server.port!, { read: false });
    await until('two clients', () => server.connectionCount === 2);
    // 400 replies of 100 KB: far more than the socket buffers of loopback hold.
    reader.socket.write('GET big k\n'.repeat(400));
    await until('the client that does not read to be closed', () => server.connectionCount === 1, 10_000);
    expect(server.bufferedBytes).toBeLessThanOrEqual(2_000_000);
    writer.socket.write('GET big missing\n');
    await until('the writer to be served', () => writer.state.text.endsWith('\r\n\r\nOK\r\n'));
  });
});
