/**
 * Which OS user opened a TCP connection from this host, read on Linux from /proc/net/tcp and
 * /proc/net/tcp6: the kernel lists every socket of this network namespace with its owner's uid,
 * so the peer's end of a loopback connection (its local address is our remote one and the other
 * way round) names the user who opened it. This is how the port mapper tells which user registers
 * a name (and a node which user runs its mapper), as a Unix socket's SO_PEERCRED would, on TCP.
 *
 * What it costs: those tables list every socket of the host (13,000 lines is 2 MB), so they are
 * never read whole nor once per question. Questions asked while a scan runs wait for the next
 * one, and one scan answers all of them (SocketOwners): however many connections ask, one scan
 * at a time streams the tables through a 64 KiB buffer, and stops as soon as every question of
 * its batch is answered. Memory stays flat and the event loop is free between chunks.
 */
import { open } from 'node:fs/promises';
import net from 'node:net';
import { endianness } from 'node:os';

export interface SocketEnds {
  readonly localAddress?: string | undefined;
  readonly localPort?: number | undefined;
  readonly remoteAddress?: string | undefined;
  readonly remotePort?: number | undefined;
}

/** The user, and the inode of the peer's socket (to find its process). */
export type PeerUser = { readonly uid: number; readonly inode?: number } | { readonly unknown: string };

export interface SocketOwner {
  readonly uid: number;
  readonly inode: number;
}

export interface Endpoint {
  readonly address: string;
  readonly port: number;
}

const CHUNK_BYTES = 64 * 1024;

/** One question: the socket whose own end is `self` and whose peer is `peer`, in either table's spelling. */
interface Question {
  readonly keys: readonly string[];
  readonly resolve: (owner: SocketOwner | undefined | 'unreadable') => void;
}

/** Answers "who owns this socket" in batches, one streamed scan of the tables at a time. */
export class SocketOwners {
  readonly #procNet: string;
  readonly #littleEndian: boolean;
  #waiting: Question[] = [];
  #scanning = false;
  #readable = true;
  /** Scans run so far (tests and benchmarks). */
  scans = 0;

  constructor(procNet = '/proc/net', littleEndian = endianness() === 'LE') {
    this.#procNet = procNet;
    this.#littleEndian = littleEndian;
  }

  /** The owner of the socket whose own end is `self` and whose peer is `peer`; undefined when not listed. */
  owner(self: Endpoint, peer: Endpoint): Promise<SocketOwner | undefined | 'unreadable'> {
    if (!this.#readable) return Promise.resolve('unreadable');
    const keys = socketKeys(self, peer, this.#littleEndian);
    if (keys.length === 0) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      this.#waiting.push({ keys, resolve });
      if (!this.#scanning) void this.#scanLoop();
    });
  }

  async #scanLoop(): Promise<void> {
    this.#scanning = true;
    try {
      // Questions asked in this turn of the event loop (a burst of REGISTERs) share the first scan.
      await new Promise((resolve) => setImmediate(resolve));
      while (this.#waiting.length > 0) {
        const batch = this.#waiting;
        this.#waiting = [];
        // A failed read (not an absent file) answers "not listed" rather than leaving callers waiting.
        await this.#scan(batch).catch(() => batch.forEach((question) => question.resolve(undefined)));
      }
    } finally {
      this.#scanning = false;
    }
  }

  async #scan(batch: readonly Question[]): Promise<void> {
    this.scans++;
    const byKey = new Map<string, Question[]>();
    for (const question of batch) {
      for (const key of question.keys) {
        const list = byKey.get(key);
        if (list) list.push(question);
        else byKey.set(key, [question]);
      }
    }
    let unanswered = batch.length;
    const answered = new Set<Question>();
    const onLine = (key: string, line: string, keyEnd: number): boolean => {
      const questions = byKey.get(key);
      if (!questions) return false;
      const owner = ownerFields(line, keyEnd);
      for (const question of questions) {
        if (answered.has(question)) continue;
        answered.add(question);
        unanswered--;
        question.resolve(owner);
      }
      byKey.delete(key);
      return unanswered === 0;
    };
    let readAny = false;
    // tcp first: a loopback IPv4 connection (the usual one) is answered without reading tcp6.
    for (const file of ['tcp', 'tcp6']) {
      if (unanswered === 0) break;
      const done = await streamLines(`${this.#procNet}/${file}`, onLine);
      if (done !== 'unreadable') readAny = true;
    }
    if (!readAny) this.#readable = false;
    for (const question of batch) if (!answered.has(question)) question.resolve(readAny ? undefined : 'unreadable');
  }
}

/**
 * Calls `onLine(key, line, keyEnd)` for each socket line of a /proc/net/tcp{,6} file, `key` being
 * "LOCAL REMOTE" as printed; stops when onLine returns true. 'unreadable' when the file cannot be opened.
 */
async function streamLines(path: string, onLine: (key: string, line: string, keyEnd: number) => boolean): Promise<'read' | 'unreadable'> {
  let handle: import('node:fs/promises').FileHandle;
  try {
    handle = await open(path, 'r');
  } catch {
    return 'unreadable'; // tcp6 is absent without IPv6; both are absent off Linux
  }
  try {
    const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
    let carry = '';
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, CHUNK_BYTES, null);
      if (bytesRead === 0) return 'read';
      const text = carry + buffer.toString('latin1', 0, bytesRead);
      let start = 0;
      let newline: number;
      while ((newline = text.indexOf('\n', start)) !== -1) {
        const line = text.slice(start, newline);
        start = newline + 1;
        // "  12: LOCAL REMOTE st ...": the key starts after ": " and holds exactly one space.
        const colon = line.indexOf(': ');
        if (colon === -1) continue;
        const keyStart = colon + 2;
        const space = line.indexOf(' ', keyStart);
        const keyEnd = space === -1 ? -1 : line.indexOf(' ', space + 1);
        if (keyEnd === -1) continue;
        if (onLine(line.slice(keyStart, keyEnd), line, keyEnd)) return 'read';
      }
      carry = text.slice(start);
    }
  } finally {
    await handle.close();
  }
}

/** After the remote address: st, queues, timer, retransmits, uid, timeout, inode. */
function ownerFields(line: string, from: number): SocketOwner | undefined {
  const fields = line.slice(from).trim().split(/\s+/, 7);
  const uid = Number(fields[4]);
  const inode = Number(fields[6]);
  return fields.length === 7 && Number.isInteger(uid) && Number.isInteger(inode) ? { uid, inode } : undefined;
}

function socketKeys(self: Endpoint, peer: Endpoint, littleEndian: boolean): string[] {
  const keys: string[] = [];
  for (const family of [4, 6] as const) {
    const a = encodeEndpoint(self, family, littleEndian);
    const b = encodeEndpoint(peer, family, littleEndian);
    if (a !== undefined && b !== undefined) keys.push(`${a} ${b}`);
  }
  return keys;
}

const shared = new Map<string, SocketOwners>();

/** The uid owning the other end of `socket` (a connection within this host). */
export async function peerUser(socket: SocketEnds, procNet = '/proc/net'): Promise<PeerUser> {
  const { localAddress, localPort, remoteAddress, remotePort } = socket;
  if (!localAddress || !localPort || !remoteAddress || !remotePort) return { unknown: 'the connection is closed' };
  let owners = shared.get(procNet);
  if (!owners) shared.set(procNet, (owners = new SocketOwners(procNet)));
  const owner = await owners.owner({ address: remoteAddress, port: remotePort }, { address: localAddress, port: localPort });
  if (owner === 'unreadable') return { unknown: `${procNet}/tcp cannot be read on this system` };
  return owner === undefined ? { unknown: 'the connection is not in the kernel socket table' } : owner;
}

/** The uid of the socket whose own end is `self` and whose peer is `peer`, from /proc/net/tcp{,6} text. */
export function findSocketOwner(table: string, self: Endpoint, peer: Endpoint, littleEndian = endianness() === 'LE'): number | undefined {
  const wanted = new Set(socketKeys(self, peer, littleEndian));
  for (const line of table.split('\n')) {
    const fields = line.trim().split(/\s+/);
    if (fields.length < 10 || !wanted.has(`${fields[1]} ${fields[2]}`)) continue;
    const uid = Number(fields[7]);
    if (Number.isInteger(uid)) return uid;
  }
  return undefined;
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
