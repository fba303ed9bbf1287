/**
 * The kv-server protocol (SPEC §7) against a real `kvrel run` node over TCP on 127.0.0.1:
 * the guide's session, errors, pipelining, and clients that misbehave. After each misbehaving
 * client, other clients still work and the stored data is intact.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KvClient } from './helpers/kv-client.js';
import { start, stopAll, type Started } from './helpers/processes.js';
import { kvrelBin, repoRoot } from './helpers/repo.js';
import { servingPort } from './helpers/serving-port.js';
import { waitFor } from './helpers/wait-for.js';

let node: Started;
let port: number;

async function client(): Promise<KvClient> {
  return KvClient.connect(port);
}

async function expectIntact(): Promise<void> {
  const c = await client();
  expect(await c.command('GET shopping milk')).toEqual(['1', 'OK']);
  c.close();
}

beforeAll(async () => {
  node = start(process.execPath, [kvrelBin, 'run'], { cwd: repoRoot, env: { PORT: '0' } });
  port = await waitFor(() => servingPort(node.output()), { what: 'kvrel run to listen', details: () => node.output() });
  const c = await client();
  expect(await c.command('CREATE shopping')).toEqual(['OK']);
  expect(await c.command('PUT shopping milk 1')).toEqual(['OK']);
  c.close();
});

afterAll(async () => {
  await stopAll();
});

describe('kv-server protocol over TCP', () => {
  it("runs the guide's session", async () => {
    const c = await client();
    expect(await c.command('CREATE shopping')).toEqual(['OK']);
    expect(await c.command('PUT shopping eggs 3')).toEqual(['OK']);
    expect(await c.command('GET shopping milk')).toEqual(['1', 'OK']);
    expect(await c.command('DELETE shopping eggs')).toEqual(['OK']);
    expect(await c.command('GET shopping eggs')).toEqual(['', 'OK']);
    c.close();
  });

  it('answers NOT FOUND, UNKNOWN COMMAND and ERROR, keeping the connection', async () => {
    const c = await client();
    expect(await c.command('GET nothing here')).toEqual(['NOT FOUND']);
    expect(await c.command('PUT nothing k v')).toEqual(['NOT FOUND']);
    expect(await c.command('HELLO')).toEqual(['UNKNOWN COMMAND']);
    expect(await c.command('GET shopping')).toEqual(['UNKNOWN COMMAND']);
    expect(await c.command('CREATE Zebra')).toEqual(['ERROR no route for bucket "Zebra"']);
    expect(await c.command('GET shopping milk')).toEqual(['1', 'OK']);
    c.close();
  });

  it('accepts \\n and \\r\\n and answers pipelined commands in order', async () => {
    const c = await client();
    c.write('CREATE pipes\nPUT pipes a 1\r\nPUT pipes b 2\nGET pipes a\r\nGET pipes b\nBOGUS\nGET nobucket x\n');
    const lines: string[] = [];
    for (let i = 0; i < 9; i++) lines.push(await c.readLine());
    expect(lines).toEqual(['OK', 'OK', 'OK', '1', 'OK', '2', 'OK', 'UNKNOWN COMMAND', 'NOT FOUND']);
    c.close();
  });

  it('answers a line over maxLineBytes with ERROR line too long and closes that connection only', async () => {
    const c = await client();
    c.write(`PUT shopping milk ${'x'.repeat(16 * 1024 * 1024)}\n`);
    expect(await c.readLine(20_000)).toBe('ERROR line too long');
    await c.waitClosed(20_000);
    await expectIntact();
  });

  it('stores and returns keys and values byte for byte, invalid UTF-8 included', async () => {
    const c = await client();
    c.write(Buffer.concat([Buffer.from('PUT shopping k\xff v1\r\nPUT shopping k', 'latin1'), Buffer.from([0xfe]), Buffer.from(' v2\r\n')]));
    expect([await c.readLine(), await c.readLine()]).toEqual(['OK', 'OK']);
    c.write(
      Buffer.concat([
        Buffer.from('PUT shopping bin '),
        Buffer.from([0xff, 0xfe, 0x80, 0xc3, 0xa9]),
        Buffer.from('\r\nGET shopping k\xff\r\nGET shopping bin\r\n', 'latin1'),
      ]),
    );
    const lines = [await c.readLine(), await c.readLine(), await c.readLine(), await c.readLine(), await c.readLine()];
    expect(lines.slice(0, 3)).toEqual(['OK', 'v1', 'OK']);
    expect(Buffer.from(lines[3]!, 'latin1')).toEqual(Buffer.from([0xff, 0xfe, 0x80, 0xc3, 0xa9]));
    c.close();
  });

  it('survives binary junk', async () => {
    const c = await client();
    const junk = Buffer.alloc(64 * 1024);
    for (let i = 0; i < junk.length; i++) junk[i] = (i * 7919 + 13) & 0xff;
    c.write(junk);
    c.write('\n\x00\xff\xfe PUT \r\n');
    c.close();
    await expectIntact();
  });

  it('does not execute a line without its newline when the client vanishes', async () => {
    const c = await client();
    c.write('PUT shopping milk 999');
    c.close();
    const other = await client();
    expect(await other.command('GET shopping milk')).toEqual(['1', 'OK']);
    other.close();
  });

  it('stops serving a client that never reads, keeping memory bounded', async () => {
    const c = await client();
    const big = 'v'.repeat(512 * 1024);
    expect(await c.command(`PUT shopping big ${big}`)).toEqual(['OK']);
    c.socket.pause();
    // 2,000 GETs of 512 KiB = 1 GiB of replies if the server kept answering into memory.
    const batch = 'GET shopping big\n'.repeat(100);
    for (let i = 0; i < 20; i++) c.write(batch);
    const rssKiB = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${node.pid}/status`, 'utf8'))?.[1]);
    // Meanwhile another client is served normally.
    await expectIntact();
    expect(rssKiB()).toBeLessThan(400 * 1024);
    c.close();
    await expectIntact();
  });
});

describe('node lifecycle', () => {
  it('a second node on the same port retries its listener, then exits non-zero saying why', async () => {
    const second = start(process.execPath, [kvrelBin, 'run'], { cwd: repoRoot, env: { PORT: String(port) } });
    const { code } = await second.exit;
    expect(code).not.toBe(0);
    const output = second.output();
    expect(output.match(/EADDRINUSE/g)?.length ?? 0).toBeGreaterThanOrEqual(4);
    expect(output).toMatch(/reached max restart intensity/);
    expect(output).toMatch(/stopping node: permanent application "kv-server" exited/);
    await expectIntact();
  });

  it('SIGTERM stops the node gracefully with exit status 0', async () => {
    const other = start(process.execPath, [kvrelBin, 'run'], { cwd: repoRoot, env: { PORT: '0' } });
    await waitFor(() => /accepting connections on port \d+/.test(other.output()), { what: 'second node to listen', details: () => other.output() });
    other.process.kill('SIGTERM');
    expect((await other.exit).code).toBe(0);
    expect(other.output()).toMatch(/application kv-server exited: stopped[\s\S]*application kv exited: stopped/);
  });
});
