/**
 * Which OS user opened a TCP connection from this host, read on Linux from /proc/net/tcp and
 * /proc/net/tcp6: the kernel lists every socket of this network namespace with its owner's uid,
 * so the peer's end of a loopback connection (its local address is our remote one and the other
 * way round) names the user who opened it. This is how the port mapper accepts registrations only
 * from its own user (and root), as a Unix socket's SO_PEERCRED would, while staying on TCP.
 */
import { readFile } from 'node:fs/promises';
import net from 'node:net';
import { endianness } from 'node:os';

export interface SocketEnds {
  readonly localAddress?: string | undefined;
  readonly localPort?: number | undefined;
  readonly remoteAddress?: string | undefined;
  readonly remotePort?: number | undefined;
}

export type PeerUser = { readonly uid: number } | { readonly unknown: string };

/** The uid owning the other end of `socket` (a connection from this host). */
export async function peerUser(socket: SocketEnds, procNet = '/proc/net'): Promise<PeerUser> {
  const { localAddress, localPort, remoteAddress, remotePort } = socket;
  if (!localAddress || !localPort || !remoteAddress || !remotePort) return { unknown: 'the connection is closed' };
  const tables: string[] = [];
  for (const file of ['tcp', 'tcp6']) {
    try {
      tables.push(await readFile(`${procNet}/${file}`, 'latin1'));
    } catch {
      // tcp6 is absent without IPv6; both are absent off Linux.
    }
  }
  if (tables.length === 0) return { unknown: `${procNet}/tcp cannot be read on this system` };
  const uid = findSocketOwner(tables.join('\n'), { address: remoteAddress, port: remotePort }, { address: localAddress, port: localPort });
  return uid === undefined ? { unknown: 'the connection is not in the kernel socket table' } : { uid };
}

/** The uid of the socket whose own end is `self` and whose peer is `peer`, from /proc/net/tcp{,6} text. */
export function findSocketOwner(table: string, self: Endpoint, peer: Endpoint, littleEndian = endianness() === 'LE'): number | undefined {
  const wanted = new Set<string>();
  for (const family of [4, 6] as const) {
    const a = encodeEndpoint(self, family, littleEndian);
    const b = encodeEndpoint(peer, family, littleEndian);
    if (a !== undefined && b !== undefined) wanted.add(`${a} ${b}`);
  }
  for (const line of table.split('\n')) {
    const fields = line.trim().split(/\s+/);
    if (fields.length < 10 || !wanted.has(`${fields[1]} ${fields[2]}`)) continue;
    const uid = Number(fields[7]);
    if (Number.isInteger(uid)) return uid;
  }
  return undefined;
}

export interface Endpoint {
  readonly address: string;
  readonly port: number;
}

/** `ADDR:PORT` as the kernel prints it: the address word by word in host byte order, the port in hex. */
export function encodeEndpoint(endpoint: Endpoint, family: 4 | 6, littleEndian: boolean): string | undefined {
  const bytes = addressBytes(endpoint.address, family);
  if (!bytes) return undefined;
  let hex = '';
  for (let word = 0; word < bytes.length; word += 4) {
    const group = bytes.subarray(word, word + 4);
    const ordered = littleEndian ? Buffer.from(group).reverse() : group;
    hex += Buffer.from(ordered).toString('hex').toUpperCase();
  }
  return `${hex}:${endpoint.port.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** 4 bytes (family 4) or 16 (family 6) of an address; an IPv4 address maps to ::ffff:a.b.c.d in family 6. */
function addressBytes(address: string, family: 4 | 6): Buffer | undefined {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  const v4 = net.isIPv4(address) ? address : mapped;
  if (family === 4) return v4 === undefined ? undefined : Buffer.from(v4.split('.').map(Number));
  if (v4 !== undefined) return Buffer.concat([Buffer.alloc(10), Buffer.from([0xff, 0xff]), Buffer.from(v4.split('.').map(Number))]);
  if (!net.isIPv6(address)) return undefined;
  const [head = '', tail = ''] = address.split('::');
  const words = (part: string) => (part === '' ? [] : part.split(':'));
  const left = words(head);
  const right = address.includes('::') ? words(tail) : [];
  const groups = [...left, ...Array(8 - left.length - right.length).fill('0'), ...right];
  const bytes = Buffer.alloc(16);
  groups.forEach((group, i) => bytes.writeUInt16BE(parseInt(group, 16), i * 2));
  return bytes;
}
