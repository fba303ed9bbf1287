import net from 'node:net';
import { once } from 'node:events';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Application } from '@kvrel/runtime';
import application, { connections, port } from './application.js';

const stops: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const stop of stops.splice(0).reverse()) await stop();
  Application.deleteEnv('kv-server', 'port');
  Application.deleteEnv('kv-server', 'host');
  vi.restoreAllMocks();
});

function output() {
  const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  return () => write.mock.calls.map((c) => String(c[0])).join('');
}

describe('the kv-server application', () => {
  it('declares its env defaults', () => {
    expect(application.name).toBe('kv-server');
    expect(application.env).toEqual({
      port: 4040,
      maxLineBytes: 1_048_576,
      maxPendingReplyBytes: 1_048_576,
      dropPendingReplyBytes: 16_777_216,
      maxConnections: 10_000,
      lineTimeoutMs: 30_000,
      idleTimeoutMs: 0,
      maxBufferedBytes: 268_435_456,
    });
  });

  it('starts a supervised listener on kv-server.port and reports it through port() and connections()', async () => {
    output();
    Application.putEnv('kv-server', 'port', 0);
    Application.putEnv('kv-server', 'host', '127.0.0.1');
    const running = (await application.start())!;
    stops.push(() => running.stop());
    expect(port()).toBeGreaterThan(0);
    const socket = net.connect({ port: port()!, host: '127.0.0.1' });
    stops.push(async () => void socket.destroy());
    await once(socket, 'connect');
    while (connections() === 0) await new Promise<void>((resolve) => setImmediate(resolve));
    expect(connections()).toBe(1);
  });

  it("gives up after its restart intensity when the port is taken (the guide's :eaddrinuse)", async () => {
    const log = output();
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    stops.push(() => new Promise<void>((resolve) => blocker.close(() => resolve())));
    const taken = (blocker.address() as net.AddressInfo).port;
    Application.putEnv('kv-server', 'port', taken);
    Application.putEnv('kv-server', 'host', '127.0.0.1');
    const running = (await application.start())!;
    const reason = await running.exited;
    expect(reason).toBeInstanceOf(Error);
    expect((reason as Error).message).toMatch(/^shutdown: reached max restart intensity .*EADDRINUSE/);
    expect(log()).toContain(`[error] kv-server: child "listener" exited: listen EADDRINUSE: address already in use 127.0.0.1:${taken}`);
  });

  it('fails to start with a message naming a bad setting', async () => {
    Application.putEnv('kv-server', 'port', 'http');
    await expect(application.start()).rejects.toThrow('kv-server.port must be an integer from 0 to 65535, got "http"');
  });
});
