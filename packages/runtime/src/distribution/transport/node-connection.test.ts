import { duplexPair } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { NodeConnection } from './node-connection.js';
import { resolveDistributionSettings, type Invoke } from './distribution-settings.js';
import { DistributionError, RemoteCallError } from '../errors.js';
import { FramedSocket } from './framed-socket.js';
import type { Logger } from '../../logger/logger.js';
import { deriveSessionKeys } from '../wire/frame-auth.js';
import { encodeFrame } from '../wire/frame.js';
import { encodeMessage } from '../wire/message.js';
import { newChallenge } from '../wire/handshake-messages.js';

const open: NodeConnection[] = [];
afterEach(() => {
  for (const connection of open.splice(0)) connection.close();
  vi.useRealTimers();
});

function recorder(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const record = (level: string) => (message: string) => void lines.push(`[${level}] ${message}`);
  return { lines, debug: record('debug'), info: record('info'), warning: record('warning'), error: record('error') };
}

/** foo@h (this side) linked to bar@h (the peer, serving `serve`). */
function link(
  serve: Invoke = () => undefined,
  here: Invoke = () => undefined,
  options: { netTicktimeMs?: number; barNetTicktimeMs?: number } = {},
): { foo: NodeConnection; bar: NodeConnection; log: ReturnType<typeof recorder> } {
  const [x, y] = duplexPair();
  const log = recorder();
  const ticktime = (ms: number | undefined) => (ms === undefined ? {} : { netTicktimeMs: ms });
  const foo = new NodeConnection({
    peer: 'bar@h',
    socket: new FramedSocket(x),
    settings: resolveDistributionSettings({ invoke: here, logger: log, ...ticktime(options.netTicktimeMs) }),
  });
  const bar = new NodeConnection({
    peer: 'foo@h',
    socket: new FramedSocket(y),
    settings: resolveDistributionSettings({ invoke: serve, logger: log, ...ticktime(options.barNetTicktimeMs) }),
  });
  open.push(foo, bar);
  return { foo, bar, log };
}

function deferred<T>(): { promise: Promise<T>; resolve(value: T): void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

describe('NodeConnection', () => {
  it('calls a service on the peer and gets its result', async () => {
    const { foo } = link((service, fn, args) => ({ service, fn, args }));
    await expect(foo.call('kv.router', 'route', [{ op: 'get', bucket: 'b', key: 'k' }], 1000)).resolves.toEqual({
      service: 'kv.router',
      fn: 'route',
      args: [{ op: 'get', bucket: 'b', key: 'k' }],
    });
  });

  it('answers a result larger than a frame with an error naming the limit, and keeps the link', async () => {
    const [x, y] = duplexPair();
    const foo = new NodeConnection({
      peer: 'bar@h',
      socket: new FramedSocket(x, { maxFrameBytes: 1000 }),
      settings: resolveDistributionSettings({ logger: recorder() }),
    });
    const bar = new NodeConnection({
      peer: 'foo@h',
      socket: new FramedSocket(y, { maxFrameBytes: 1000 }),
      settings: resolveDistributionSettings({ invoke: (_s, fn) => 'x'.repeat(fn === 'big' ? 2000 : 10), logger: recorder() }),
    });
    open.push(foo, bar);
    await expect(foo.call('s', 'big', [], 1000)).rejects.toThrow(
      /the result of s\.big could not be sent: it is 2,0\d\d bytes, over the frame limit of 1,000 bytes/,
    );
    await expect(foo.call('s', 'small', [], 1000)).resolves.toBe('x'.repeat(10));
  });

  it('serves calls in both directions', async () => {
    const { foo, bar } = link(
      () => 'from bar',
      () => 'from foo',
    );
    await expect(Promise.all([foo.call('s', 'f', [], 1000), bar.call('s', 'f', [], 1000)])).resolves.toEqual(['from bar', 'from foo']);
  });

  it('does not make calls wait behind a slow one; replies come back out of order', async () => {
    const slow = deferred<string>();
    const { foo } = link((_s, fn) => (fn === 'slow' ? slow.promise : `fast ${fn}`));
    const slowCall = foo.call('s', 'slow', [], 5000);
    const fast = await Promise.all(Array.from({ length: 100 }, (_, i) => foo.call('s', String(i), [], 5000)));
    expect(fast[99]).toBe('fast 99');
    expect(foo.pendingCalls).toBe(1);
    slow.resolve('slow done');
    await expect(slowCall).resolves.toBe('slow done');
  });

  it('sends the remote error message and code back, never crashing the peer', async () => {
    const { foo } = link((_s, fn) => {
      if (fn === 'throws') throw Object.assign(new Error('no route for bucket "zebra"'), { code: 'KV_NO_ROUTE' });
      if (fn === 'rejects') return Promise.reject('plain string');
      if (fn === 'symbol') return Symbol('cannot travel');
      const circular: Record<string, unknown> = {};
      circular['self'] = circular;
      return circular;
    });
    const error = await foo.call('kv', 'throws', [], 1000).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RemoteCallError);
    expect(error).toMatchObject({ message: 'no route for bucket "zebra"', code: 'KV_NO_ROUTE', node: 'bar@h' });
    await expect(foo.call('kv', 'rejects', [], 1000)).rejects.toThrow('plain string');
    await expect(foo.call('kv', 'symbol', [], 1000)).rejects.toThrow('the result of kv.symbol could not be sent: Unknown type: symbol');
    await expect(foo.call('kv', 'circular', [], 1000)).rejects.toThrow('the result of kv.circular could not be sent');
    await expect(foo.ping(1000)).resolves.toBeUndefined();
  });

  it('times out a call with an error naming the node, and ignores its late reply', async () => {
    const late = deferred<string>();
    const { foo } = link(() => late.promise);
    const error = await foo.call('kv.router', 'route', [], 30).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DistributionError);
    expect((error as Error).message).toBe('node "bar@h" did not reply to "kv.router.route" within 30 ms');
    late.resolve('too late');
    expect(foo.pendingCalls).toBe(0);
    await expect(foo.ping(1000)).resolves.toBeUndefined();
  });

  it('fails every pending call at once when the peer goes away', async () => {
    const never = new Promise(() => {});
    const { foo, bar } = link(() => never);
    const calls = Array.from({ length: 5 }, (_, i) => foo.call('kv.router', `f${i}`, [], 60_000).catch((e: Error) => e));
    await new Promise((resolve) => setImmediate(resolve));
    let closedListener = false;
    foo.onClose(() => (closedListener = true));
    bar.close();
    const errors = await Promise.all(calls);
    expect(errors.map((e) => (e as Error).message)).toEqual(Array.from({ length: 5 }, (_, i) => `node "bar@h" went away while handling "kv.router.f${i}"`));
    expect(errors.every((e) => (e as DistributionError).code === 'DIST_NODE_WENT_AWAY')).toBe(true);
    expect(closedListener).toBe(true);
    await expect(foo.call('s', 'f', [], 1000)).rejects.toThrow('node "bar@h" went away while handling "s.f"');
  });

  it('drops a peer that sends a frame that is not a message', async () => {
    const [x, y] = duplexPair();
    const log = recorder();
    const foo = new NodeConnection({ peer: 'bar@h', socket: new FramedSocket(x), settings: resolveDistributionSettings({ logger: log }) });
    open.push(foo);
    const pending = foo.call('s', 'f', [], 60_000).catch((e: Error) => e.message);
    y.write(Buffer.from([0, 0, 0, 1, 0xc1]));
    expect(await pending).toBe('node "bar@h" went away while handling "s.f"');
    expect(log.lines).toEqual(['[warning] dropped the connection to node "bar@h": it sent a malformed message']);
  });

  it('answers pings', async () => {
    const { foo } = link();
    await expect(foo.ping(1000)).resolves.toBeUndefined();
  });

  it('keeps an idle link up: each side answers the ticks of the other, whatever its own tick time', async () => {
    vi.useFakeTimers();
    const { foo, bar } = link(undefined, undefined, { netTicktimeMs: 400, barNetTicktimeMs: 60_000 });
    for (let i = 0; i < 100; i++) await vi.advanceTimersByTimeAsync(100); // 10 s, 25 tick times
    expect({ foo: foo.closed, bar: bar.closed }).toEqual({ foo: false, bar: false });
  });

  it('declares a silent peer down after its tick time and fails its pending calls with the reason', async () => {
    vi.useFakeTimers();
    const [x] = duplexPair(); // nobody reads or answers at the other end
    const foo = new NodeConnection({ peer: 'bar@h', socket: new FramedSocket(x), settings: resolveDistributionSettings({ netTicktimeMs: 400 }) });
    open.push(foo);
    const pending = foo.call('s', 'f', [], 60_000).catch((e: Error) => e.message);
    await vi.advanceTimersByTimeAsync(399);
    expect(foo.closed).toBe(false);
    await vi.advanceTimersByTimeAsync(100);
    expect(foo.closed).toBe(true);
    expect(foo.declaredDown).toBe(true);
    expect(await pending).toBe('node "bar@h" went away while handling "s.f" (it did not answer for 0.4 s (kernel.netTicktime))');
  });

  it('fails a call at once, unsent, while too much waits for the peer to read', async () => {
    const [x] = duplexPair({ highWaterMark: 1024 });
    const foo = new NodeConnection({ peer: 'bar@h', socket: new FramedSocket(x), settings: resolveDistributionSettings({ maxSendQueueBytes: 10_000 }) });
    open.push(foo);
    const big = 'x'.repeat(4000);
    for (let i = 0; i < 3; i++) void foo.call('s', 'f', [big], 60_000).catch(() => {});
    const error = await foo.call('s', 'f', [big], 60_000).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'DIST_SEND_QUEUE_FULL' });
    expect((error as Error).message).toMatch(
      /^node "bar@h" is not reading what this node sends \(\d+ bytes wait for it, the limit is 10000\); "s\.f" was not sent$/,
    );
    expect(foo.closed).toBe(false);
    expect(foo.pendingCalls).toBe(3);
  });

  it('closes an authenticated link at a forged call, runs nothing, and logs one rate-limited line naming the address', async () => {
    const [x, y] = duplexPair();
    const transcript = { initiator: 'foo@h', acceptor: 'bar@h', initiatorChallenge: newChallenge(), acceptorChallenge: newChallenge() };
    const fooSocket = new FramedSocket(x, { remoteAddress: '10.0.0.2:4000' });
    const barSocket = new FramedSocket(y, { remoteAddress: '10.0.0.1:5000' });
    fooSocket.authenticate(deriveSessionKeys('cookie', transcript, 'initiator'));
    barSocket.authenticate(deriveSessionKeys('cookie', transcript, 'acceptor'));
    const ran: string[] = [];
    const limited: string[] = [];
    const log = { ...recorder(), limited: (_level: string, key: string, message: string) => void limited.push(`${key}: ${message}`) };
    const foo = new NodeConnection({ peer: 'bar@h', socket: fooSocket, settings: resolveDistributionSettings({ logger: recorder() }) });
    const bar = new NodeConnection({
      peer: 'foo@h',
      socket: barSocket,
      settings: resolveDistributionSettings({ invoke: (_s, fn) => void ran.push(fn), logger: log }),
    });
    open.push(foo, bar);
    await foo.call('system', 'first', [], 1000);
    x.write(encodeFrame(encodeMessage({ type: 'call', id: 99, service: 'system', fn: 'forged', args: [] })));
    await vi.waitFor(() => expect(bar.closed).toBe(true));
    expect(ran).toEqual(['first']);
    expect(limited).toEqual([
      'unauthenticated frames: closed the link to node "foo@h": a frame from 10.0.0.1:5000 failed authentication (injected, replayed, reordered or ' +
        'altered on the way); nothing in it was run',
    ]);
    expect(bar.closeReason).toContain('failed authentication');
  });
});
