import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { encodeEndpoint, findSocketOwner, peerUser, SocketOwners } from './peer-user.js';

const TABLE = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000:1112 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 85841 1 0000000062bbe7a9 100 0 0 10 0
   1: 0100007F:C350 0100007F:1112 01 00000000:00000000 02:000A7C7E 00000000  1000        0 91234 2 0000000000000000 20 4 30 10 -1
   2: 0100007F:1112 0100007F:C350 01 00000000:00000000 02:000A7C7E 00000000     0        0 91235 2 0000000000000000 20 4 30 10 -1
`;

const sockets: net.Socket[] = [];
const servers: net.Server[] = [];
afterEach(() => {
  for (const socket of sockets.splice(0)) socket.destroy();
  for (const server of servers.splice(0)) server.close();
});

describe('peer user', () => {
  it('encodes endpoints as /proc/net/tcp prints them', () => {
    expect(encodeEndpoint({ address: '127.0.0.1', port: 4370 }, 4, true)).toBe('0100007F:1112');
    expect(encodeEndpoint({ address: '127.0.0.1', port: 4370 }, 4, false)).toBe('7F000001:1112');
    expect(encodeEndpoint({ address: '::ffff:127.0.0.1', port: 80 }, 6, true)).toBe('0000000000000000FFFF00000100007F:0050');
    expect(encodeEndpoint({ address: '::1', port: 80 }, 6, true)).toBe('00000000000000000000000001000000:0050');
    expect(encodeEndpoint({ address: '::1', port: 80 }, 4, true)).toBeUndefined();
  });

  it('finds the owner of the peer end of a connection', () => {
    // The mapper (port 4370 = 0x1112) sees a peer at 127.0.0.1:50000 (0xC350), a socket of uid 1000.
    expect(findSocketOwner(TABLE, { address: '127.0.0.1', port: 50000 }, { address: '127.0.0.1', port: 4370 }, true)).toBe(1000);
    expect(findSocketOwner(TABLE, { address: '::ffff:127.0.0.1', port: 50000 }, { address: '::ffff:127.0.0.1', port: 4370 }, true)).toBe(1000);
    expect(findSocketOwner(TABLE, { address: '127.0.0.1', port: 50001 }, { address: '127.0.0.1', port: 4370 }, true)).toBeUndefined();
  });

  it('names this process user as the peer of its own loopback connection (Linux)', async () => {
    const server = net.createServer();
    servers.push(server);
    const accepted = new Promise<net.Socket>((resolve) => server.once('connection', resolve));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const client = net.connect({ host: '127.0.0.1', port: (server.address() as net.AddressInfo).port });
    sockets.push(client);
    const socket = await accepted;
    sockets.push(socket);
    expect(await peerUser(socket)).toMatchObject({ uid: process.getuid!(), inode: expect.any(Number) });
    expect(await peerUser(socket, '/nonexistent')).toEqual({ unknown: '/nonexistent/tcp cannot be read on this system' });
  });

  it('answers questions asked together with one streamed scan of a large table', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'kvrel-procnet-'));
    try {
      // 20,000 sockets (several 64 KiB chunks), the ones asked about near the end.
      const header = TABLE.split('\n')[0];
      const line = (i: number, local: number, remote: number, uid: number) =>
        `${String(i).padStart(5)}: 0100007F:${local.toString(16).toUpperCase().padStart(4, '0')} ` +
        `0100007F:${remote.toString(16).toUpperCase().padStart(4, '0')} 01 00000000:00000000 02:000A7C7E 00000000 ` +
        `${String(uid).padStart(5)}        0 ${70000 + i} 2 0000000000000000 20 4 30 10 -1`;
      const lines = Array.from({ length: 20_000 }, (_, i) => line(i, 20000 + i, 4370, 1000 + (i % 7)));
      writeFileSync(path.join(dir, 'tcp'), [header, ...lines, ''].join('\n'));
      const owners = new SocketOwners(dir, true);
      const ask = (i: number) => owners.owner({ address: '127.0.0.1', port: 20000 + i }, { address: '127.0.0.1', port: 4370 });
      const answers = await Promise.all([ask(19_990), ask(15_000), ask(3), ask(99_999)]);
      expect(answers).toEqual([
        { uid: 1000 + (19_990 % 7), inode: 89_990 },
        { uid: 1000 + (15_000 % 7), inode: 85_000 },
        { uid: 1003, inode: 70_003 },
        undefined,
      ]);
      expect(owners.scans).toBe(1);
      expect(await ask(42)).toEqual({ uid: 1000, inode: 70_042 });
      expect(owners.scans).toBe(2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
