import { duplexPair } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConnectionClosing } from './connection-closing.js';

const LINGER_MS = 1000;

afterEach(() => {
  vi.useRealTimers();
});

/** The server side's closing, and what its client has seen. */
function closingPair() {
  const [client, server] = duplexPair();
  const seen = { ended: false, closed: false };
  client.on('end', () => (seen.ended = true));
  client.resume();
  server.on('close', () => (seen.closed = true));
  return { client, server, seen, closing: new ConnectionClosing(server, LINGER_MS) };
}

/** Lets stream events ('end', 'finish', 'close') run. */
const settle = () => vi.advanceTimersByTimeAsync(0);

describe('ConnectionClosing', () => {
  it('starts open, ends the output once the replies owed went out, and lingers for the client to leave', async () => {
    vi.useFakeTimers();
    const { server, seen, closing } = closingPair();
    expect(closing.phase).toBe('open');
    closing.drain('linger', false);
    expect(closing.phase).toBe('draining');
    await settle();
    expect(seen.ended).toBe(false);
    closing.flushed();
    expect(closing.phase).toBe('ended');
    await settle();
    expect(seen.ended).toBe(true);
    expect(server.destroyed).toBe(false);
    await vi.advanceTimersByTimeAsync(LINGER_MS);
    expect(server.destroyed).toBe(true);
  });

  it('destroys the socket once its output is flushed when close() asked for it, before the linger time', async () => {
    vi.useFakeTimers();
    const { server, seen, closing } = closingPair();
    closing.drain('destroy', true);
    expect(closing.destroying).toBe(true);
    await settle();
    expect(seen.ended).toBe(true);
    expect(server.destroyed).toBe(true);
  });

  it('turns a lingering end into a destroy without ending the output twice', async () => {
    vi.useFakeTimers();
    const { server, closing } = closingPair();
    const end = vi.spyOn(server, 'end');
    closing.drain('linger', true);
    await settle();
    expect(server.destroyed).toBe(false);
    closing.drain('destroy', true);
    expect(closing.phase).toBe('ended');
    await settle();
    expect(server.destroyed).toBe(true);
    expect(end).toHaveBeenCalledTimes(1);
  });

  it('keeps destroy once asked for', () => {
    const { closing } = closingPair();
    closing.drain('destroy', false);
    closing.drain('linger', false);
    expect(closing.destroying).toBe(true);
    closing.closed();
  });

  it('destroys a socket whose replies never go out once the linger time passes', async () => {
    vi.useFakeTimers();
    const { server, closing } = closingPair();
    closing.drain('destroy', false);
    await vi.advanceTimersByTimeAsync(LINGER_MS - 1);
    expect(server.destroyed).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(server.destroyed).toBe(true);
  });

  it('stops the linger timer once closed, and stays closed', async () => {
    vi.useFakeTimers();
    const { server, closing } = closingPair();
    closing.drain('linger', false);
    closing.closed();
    expect(closing.phase).toBe('closed');
    closing.drain('destroy', true);
    closing.flushed();
    expect(closing.phase).toBe('closed');
    await vi.advanceTimersByTimeAsync(LINGER_MS * 2);
    expect(server.destroyed).toBe(false);
    expect(vi.getTimerCount()).toBe(0);
  });
});
