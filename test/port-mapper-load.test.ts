/**
 * The port mapper under load (issue 15, item 4). Nodes are lightweight ones, many per process
 * (test/fixtures/mapper-nodes.ts).
 * - 99 peers dialled at once by one node all connect: the mapper's connections beyond an address's
 *   pending slots wait for a slot instead of being dropped.
 * - The mapper killed under 80 registrations from two processes: one mapper is started again (not
 *   one per node) and every name comes back.
 * - A junk flood of REGISTERs on a host with 10,000 sockets: the mapper's memory stays bounded and
 *   LOOKUPs keep being answered (bench/groups/distribution.mjs measures the figures).
 */
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { freePort } from './helpers/free-port.js';
import { listenerPid, mapperNodesForThisFile } from './helpers/mapper-nodes.js';
import { startPortMapperProcess } from './helpers/port-mapper.js';
import { start, trackPid } from './helpers/processes.js';
import { repoRoot } from './helpers/repo.js';
import { waitFor } from './helpers/wait-for.js';

const mapperNodes = mapperNodesForThisFile();

/** One request line to the mapper and the reply lines up to `until` (or the first line). */
function ask(port: number, line: string, until?: string, timeoutMs = 5000): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port }, () => socket.write(`${line}\n`));
    let text = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no reply to ${line} within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      text += chunk;
      const lines = text.split('\n').slice(0, -1);
      if (lines.length > 0 && (until === undefined || lines.includes(until))) {
        clearTimeout(timer);
        socket.destroy();
        resolve(lines);
      }
    });
    socket.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

const namesOf = async (port: number) => (await ask(port, 'NAMES', 'END')).filter((line) => line.startsWith('NAME '));

describe('port mapper under load', () => {
  it('99 peers dialled at once by one node all connect', async () => {
    const { port } = await startPortMapperProcess();
    const env = { KVREL_PORT_MAPPER_PORT: String(port) };
    const peers = mapperNodes().run(['nodes', 'peer', '99'], env);
    await waitFor(() => peers.output().includes('all registered'), {
      what: '99 peers to register',
      timeoutMs: 60_000,
      details: () => peers.output().slice(-2000),
    });
    const dialer = mapperNodes().run(['dial', 'peer', '99'], env);
    expect(await dialer.exit).toEqual({ code: 0, signal: undefined });
    expect(dialer.output()).toContain('connected 99 of 99\n');
  });

  it('after a mapper kill under 80 registrations, one mapper is started and every name comes back', async () => {
    const port = await freePort();
    const env = { KVREL_PORT_MAPPER_PORT: String(port) };
    const a = mapperNodes().run(['nodes', 'ka', '40'], env);
    await waitFor(() => a.output().includes('all registered'), { what: 'the first 40 to register', timeoutMs: 60_000, details: () => a.output().slice(-2000) });
    const b = mapperNodes().run(['nodes', 'kb', '40'], env);
    await waitFor(() => b.output().includes('all registered'), { what: 'the other 40 to register', timeoutMs: 60_000, details: () => b.output().slice(-2000) });
    const spawns = () => [a, b].reduce((count, node) => count + (node.output().match(/^spawning a port mapper \(/gm)?.length ?? 0), 0);
    expect(spawns()).toBe(1);
    expect(await namesOf(port)).toHaveLength(80);

    const first = listenerPid(port)!;
    process.kill(first, 'SIGKILL');
    await waitFor(async () => (await namesOf(port).catch(() => [])).length === 80, {
      what: 'all 80 names back',
      timeoutMs: 30_000,
      details: () => `${spawns()} spawns\n${a.output().slice(-1500)}`,
    });
    const second = listenerPid(port);
    expect(second).not.toBe(first);
    // Many nodes found the mapper gone at once; one of them started the next.
    expect(spawns(), `A:\n${a.output().slice(-3000)}\nB:\n${b.output().slice(-3000)}`).toBe(2);
  });

  it('under a REGISTER junk flood on a host with 10,000 sockets, its memory stays bounded and LOOKUPs are answered', async () => {
    const { port, process: mapper } = await startPortMapperProcess();
    const rss = () => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${mapper.pid}/status`, 'latin1'))![1]) * 1024;
    const node = net.connect({ host: '127.0.0.1', port }, () => node.write('REGISTER target 5001\n'));
    node.on('error', () => {});
    await waitFor(async () => (await ask(port, 'LOOKUP target'))[0] === 'PORT 5001', { what: 'the registration' });
    for (let i = 0; i < 20; i++) await ask(port, 'LOOKUP target');
    const idle = rss();

    const flood = start(process.execPath, [join(repoRoot, 'test', 'fixtures', 'mapper-flood.cjs'), String(port), '5000', '200', '6']);
    trackPid(flood.pid);
    await waitFor(() => flood.output().includes('idle 5000'), { what: '10,000 sockets', timeoutMs: 60_000, details: () => flood.output() });
    let peak = idle;
    let answered = 0;
    const failures: string[] = [];
    while (!flood.output().includes('done ')) {
      try {
        const reply = await ask(port, 'LOOKUP target', undefined, 5000);
        if (reply[0] === 'PORT 5001') answered++;
        else failures.push(reply.join(' '));
      } catch (error) {
        failures.push((error as Error).message);
      }
      peak = Math.max(peak, rss());
    }
    node.destroy();
    const sent = Number(/done (\d+)/.exec(flood.output())![1]);
    expect(sent).toBeGreaterThan(200); // the flood did reach the mapper
    expect(failures).toEqual([]);
    expect(answered).toBeGreaterThan(5);
    // Within 50 MB of idle is the target (bench figures); the bound here leaves the CI machine room.
    expect(peak - idle).toBeLessThan(100 * 1024 * 1024);
  });
});
