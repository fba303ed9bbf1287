import net from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runPortMapperFromEnv, startPortMapper, type PortMapper } from './server.js';
import { waitFor } from '../../test-support/wait-for.js';

let mapper: PortMapper;
const sockets: net.Socket[] = [];

beforeEach(async () => {
  mapper = await startPortMapper({ port: 0, host: '127.0.0.1', idleTimeoutMs: 200 });
});
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  await mapper.close();
});

/** A raw client: what it received so far, and whether the mapper closed it. */
function client(): Promise<{ socket: net.Socket; received: () => string; closed: () => boolean }> {
  return connectTo(mapper.port);
}

async function connectTo(port: number): Promise<{ socket: net.Socket; received: () => string; closed: () => boolean }> {
  const socket = net.connect({ host: '127.0.0.1', port });
  sockets.push(socket);
  let text = '';
  let closed = false;
  socket.on('data', (chunk) => (text += chunk.toString('latin1')));
  socket.on('error', () => {});
  socket.on('close', () => (closed = true));
  await new Promise((resolve) => socket.once('connect', resolve));
  return { socket, received: () => text, closed: () => closed };
}

function ask(line: string): Promise<string> {
  return askAt(mapper.port, line);
}

/** One line and its reply; `keep` leaves the connection open (a registration lasts as long as it). */
async function askAt(port: number, line: string, keep = false): Promise<string> {
  const c = await connectTo(port);
  c.socket.write(`${line}\n`);
  await waitFor(() => c.received().endsWith('\n'), { what: `a reply to ${line}`, timeoutMs: 2000 });
  if (!keep) c.socket.destroy();
  return c.received();
}

describe('port mapper', () => {
  it('registers a name for as long as the connection stays open', async () => {
    const node = await client();
    node.socket.write('REGISTER foo 5001\r\n');
    await waitFor(() => node.received() === 'OK\n', { what: 'OK', timeoutMs: 2000 });
    expect(await ask('LOOKUP foo')).toBe('PORT 5001\n');
    expect(await ask('LOOKUP bar')).toBe('NOT_FOUND\n');
    expect(await ask('NAMES')).toBe('NAME foo 5001\nEND\n');
    node.socket.destroy();
    await waitFor(() => mapper.names().size === 0, { what: 'the registration to end', timeoutMs: 2000 });
    expect(await ask('LOOKUP foo')).toBe('NOT_FOUND\n');
  });

  it('refuses a name registered by a live connection', async () => {
    const first = await client();
    first.socket.write('REGISTER foo 5001\n');
    await waitFor(() => first.received() === 'OK\n', { what: 'OK', timeoutMs: 2000 });
    const second = await client();
    second.socket.write('REGISTER foo 5002\n');
    await waitFor(() => second.closed(), { what: 'the second connection to close', timeoutMs: 2000 });
    expect(second.received()).toBe('ERROR node name "foo" is already in use on this host\n');
    expect(mapper.names()).toEqual(new Map([['foo', 5001]]));
    expect(first.closed()).toBe(false);
  });

  it('refuses bad names and ports', async () => {
    expect(await ask('REGISTER fo/o 5001')).toBe('ERROR node name "fo/o" is not valid; use letters, digits, "_" and "-"\n');
    expect(await ask('REGISTER foo 0')).toBe('ERROR port "0" is not a port number\n');
    expect(await ask('REGISTER foo 99999')).toBe('ERROR port "99999" is not a port number\n');
  });

  it('answers several lookups on one connection, also in one packet', async () => {
    const node = await client();
    node.socket.write('REGISTER foo 5001\n');
    await waitFor(() => node.received() === 'OK\n', { what: 'OK', timeoutMs: 2000 });
    const c = await client();
    c.socket.write('LOOKUP foo\nLOOKUP x\nLOO');
    c.socket.write('KUP foo\n');
    await waitFor(() => c.received().split('\n').length === 4, { what: 'three replies', timeoutMs: 2000 });
    expect(c.received()).toBe('PORT 5001\nNOT_FOUND\nPORT 5001\n');
  });

  it('closes junk, over-long lines and idle connections, and keeps serving', async () => {
    const junk = await client();
    junk.socket.write(Buffer.from([0, 1, 2, 0xff, 10]));
    const long = await client();
    long.socket.write(`LOOKUP ${'x'.repeat(10_000)}`);
    const idle = await client();
    const halfOpen = await client();
    halfOpen.socket.write('LOOKUP fo');
    await waitFor(() => junk.closed() && long.closed() && idle.closed() && halfOpen.closed(), { what: 'the mapper to close bad connections', timeoutMs: 2000 });
    expect(junk.received()).toBe('ERROR unknown command\n');
    expect(long.received()).toBe('');
    expect(await ask('LOOKUP foo')).toBe('NOT_FOUND\n');
  });

  it('drops a client that dribbles a line slower than the deadline', async () => {
    const slow = await client();
    const text = 'LOOKUP foo';
    for (let i = 0; i < text.length && !slow.closed(); i++) {
      slow.socket.write(text[i]!);
      await new Promise((resolve) => setTimeout(resolve, 40));
    }
    await waitFor(() => slow.closed(), { what: 'the slow client to be dropped', timeoutMs: 2000 });
    expect(slow.received()).toBe('');
  });

  it('keeps a registration past the idle deadline', async () => {
    const node = await client();
    node.socket.write('REGISTER foo 5001\n');
    await waitFor(() => node.received() === 'OK\n', { what: 'OK', timeoutMs: 2000 });
    const idle = await client();
    await waitFor(() => idle.closed(), { what: 'the idle client to be dropped', timeoutMs: 2000 });
    expect(node.closed()).toBe(false);
    expect(await ask('LOOKUP foo')).toBe('PORT 5001\n');
  });

  it('takes one name per connection', async () => {
    const node = await client();
    node.socket.write('REGISTER foo 5001\nREGISTER bar 5002\n');
    await waitFor(() => node.closed(), { what: 'the second REGISTER to close the connection', timeoutMs: 2000 });
    expect(node.received()).toBe('OK\nERROR this connection already registered "foo"; one name per connection\n');
    expect(mapper.names()).toEqual(new Map());
  });

  it('serves every local user; a name belongs to the user that registered it, also for a while after', async () => {
    let uid = 1001;
    const shared = await startPortMapper({ port: 0, host: '127.0.0.1', nameHoldMs: 60_000, identifyPeer: async () => ({ uid }) });
    const unknown = await startPortMapper({
      port: 0,
      host: '127.0.0.1',
      identifyPeer: async () => ({ unknown: 'the connection is not in the kernel socket table' }),
    });
    try {
      const foo = await connectTo(shared.port);
      foo.socket.write('REGISTER foo 5001\n');
      await waitFor(() => foo.received() === 'OK\n', { what: 'OK', timeoutMs: 2000 });
      uid = 1002;
      expect(await askAt(shared.port, 'REGISTER bar 5002', true)).toBe('OK\n');
      expect(await askAt(shared.port, 'REGISTER foo 5003')).toBe('ERROR node name "foo" belongs to user 1001; user 1002 cannot take it over\n');
      foo.socket.destroy();
      await waitFor(() => !shared.names().has('foo'), { what: 'foo to end', timeoutMs: 2000 });
      // Released, it is still 1001's: another user cannot slip in while its node restarts.
      expect(await askAt(shared.port, 'REGISTER foo 5003')).toBe('ERROR node name "foo" belongs to user 1001; user 1002 cannot take it over\n');
      uid = 0;
      expect(await askAt(shared.port, 'REGISTER foo 5003')).toBe('ERROR node name "foo" belongs to user 1001; user 0 cannot take it over\n');
      uid = 1001;
      expect(await askAt(shared.port, 'REGISTER foo 5004', true)).toBe('OK\n');
      expect(shared.names()).toEqual(
        new Map([
          ['bar', 5002],
          ['foo', 5004],
        ]),
      );
      expect(await askAt(unknown.port, 'REGISTER foo 5001')).toBe(
        'ERROR could not tell which user opened this connection (the connection is not in the kernel socket table)\n',
      );
    } finally {
      await Promise.all([shared.close(), unknown.close()]);
    }
  });

  it('lets another user take a name once its hold is over', async () => {
    let uid = 1001;
    const shared = await startPortMapper({ port: 0, host: '127.0.0.1', nameHoldMs: 0, identifyPeer: async () => ({ uid }) });
    try {
      expect(await askAt(shared.port, 'REGISTER foo 5001')).toBe('OK\n');
      await waitFor(() => shared.names().size === 0, { what: 'foo to end', timeoutMs: 2000 });
      uid = 1002;
      expect(await askAt(shared.port, 'REGISTER foo 5002', true)).toBe('OK\n');
    } finally {
      await shared.close();
    }
  });

  it('takes a bounded number of names from one user', async () => {
    const small = await startPortMapper({ port: 0, host: '127.0.0.1', maxNamesPerUser: 2 });
    try {
      expect(await askAt(small.port, 'REGISTER a 5001', true)).toBe('OK\n');
      expect(await askAt(small.port, 'REGISTER b 5002', true)).toBe('OK\n');
      expect(await askAt(small.port, 'REGISTER c 5003', true)).toBe(`ERROR user ${process.getuid!()} already registered 2 names, the most one user may\n`);
      expect([...small.names().keys()]).toEqual(['a', 'b']);
    } finally {
      await small.close();
    }
  });

  it('serves a lookup while one address holds more idle connections than its share', async () => {
    const crowded = await startPortMapper({
      port: 0,
      host: '127.0.0.1',
      limits: { maxPerAddress: 8, maxTotal: 16, minAgeMs: 0, maxWaitingPerAddress: 8, maxWaitingTotal: 8 },
    });
    try {
      const node = await connectTo(crowded.port);
      node.socket.write('REGISTER foo 5001\n');
      await waitFor(() => node.received() === 'OK\n', { what: 'OK', timeoutMs: 2000 });
      const idle = await Promise.all(Array.from({ length: 100 }, () => connectTo(crowded.port)));
      // 8 hold slots, 8 wait for one: the oldest of the others were dropped to make room.
      await waitFor(() => idle.filter((c) => c.closed()).length >= 100 - 16, { what: 'the oldest idle connections to be closed', timeoutMs: 5000 });
      expect(await askAt(crowded.port, 'LOOKUP foo')).toBe('PORT 5001\n');
      expect(node.closed()).toBe(false);
    } finally {
      await crowded.close();
    }
  });

  it('registers a burst wider than the slots of an address: the rest wait for a slot instead of being dropped', async () => {
    const narrow = await startPortMapper({
      port: 0,
      host: '127.0.0.1',
      limits: { maxPerAddress: 4, maxTotal: 16, maxWaitingPerAddress: 200, maxWaitingTotal: 200 },
    });
    try {
      const replies = await Promise.all(Array.from({ length: 99 }, (_, i) => askAt(narrow.port, `REGISTER n${i} ${5000 + i}`, true)));
      expect(replies.filter((reply) => reply === 'OK\n')).toHaveLength(99);
      expect(narrow.names().size).toBe(99);
    } finally {
      await narrow.close();
    }
  });

  it('listens on loopback too when bound to another address', async () => {
    const bound = await startPortMapper({ port: 0, host: '127.0.0.2' });
    try {
      expect(bound.addresses).toEqual(['127.0.0.2', '127.0.0.1']);
      expect(await askAt(bound.port, 'LOOKUP foo')).toBe('NOT_FOUND\n');
    } finally {
      await bound.close();
    }
  });

  it('runs only when KVREL_RUN_PORT_MAPPER=1', () => {
    expect(runPortMapperFromEnv({})).toBe(false);
    expect(runPortMapperFromEnv({ KVREL_RUN_PORT_MAPPER: '0' })).toBe(false);
  });
});
