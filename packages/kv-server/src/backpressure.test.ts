import { once } from 'node:events';
import { duplexPair } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { Backpressure } from './backpressure.js';

function setup(pauseAtBytes: number, dropAtBytes: number) {
  const [client, server] = duplexPair();
  server.on('data', () => {});
  server.on('error', () => {});
  let resumed = 0;
  const backpressure = new Backpressure(server, { pauseAtBytes, dropAtBytes }, () => {
    resumed++;
    server.resume();
  });
  return { client, server, backpressure, resumed: () => resumed };
}

describe('Backpressure', () => {
  it('leaves a socket whose replies are read alone', () => {
    const t = setup(64 * 1024, 1024 * 1024);
    t.server.write('OK\r\n');
    expect(t.backpressure.check()).toBe(true);
    expect(t.backpressure.paused).toBe(false);
    expect(t.server.isPaused()).toBe(false);
  });

  it('pauses reading past the bound and resumes on drain', async () => {
    const t = setup(64 * 1024, 1024 * 1024);
    t.server.write('x'.repeat(100 * 1024));
    expect(t.backpressure.room()).toBeLessThan(0);
    expect(t.backpressure.check()).toBe(true);
    expect(t.backpressure.paused).toBe(true);
    expect(t.server.isPaused()).toBe(true);
    t.client.resume(); // the client reads
    await once(t.server, 'drain');
    expect(t.backpressure.paused).toBe(false);
    expect(t.resumed()).toBe(1);
  });

  it('waits for a refused write before pausing, so that a drain will come', () => {
    const t = setup(1024, 1024 * 1024);
    t.server.write('x'.repeat(2048)); // over the bound, under the socket's highWaterMark
    expect(t.server.writableNeedDrain).toBe(false);
    t.backpressure.check();
    expect(t.backpressure.paused).toBe(false);
  });

  it('drops a client past the hard bound', async () => {
    const t = setup(16 * 1024, 64 * 1024);
    t.server.write('x'.repeat(100 * 1024));
    const error = once(t.server, 'error');
    expect(t.backpressure.check()).toBe(false);
    expect(((await error)[0] as Error).message).toBe('client dropped: 102400 bytes of unread replies (limit 65536)');
    expect(t.server.destroyed).toBe(true);
  });
});
