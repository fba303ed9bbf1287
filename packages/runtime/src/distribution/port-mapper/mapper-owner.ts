/**
 * A node run by root trusts only a port mapper run by root. Any local user can start a mapper on
 * the well-known port before root's node does; root's node would then register with it, and its
 * `stop`, `pid`, `ping` and `rpc` would be sent wherever that user's mapper says. So a root node
 * (and a root client command) reads who runs the mapper at the other end of its connection
 * (peer-user.ts), and refuses one run by another user with DIST_PORT_MAPPER_UNTRUSTED, naming the
 * user and its process. Other users' nodes share whichever mapper runs, as with epmd (the cookie
 * handshake still guards every link); a mapper on another host cannot be checked and is not.
 */
import { readdir, readFile, readlink } from 'node:fs/promises';
import type net from 'node:net';
import { networkInterfaces } from 'node:os';
import { DistributionError } from '../errors.js';
import { peerUser } from './peer-user.js';

/** Throws DIST_PORT_MAPPER_UNTRUSTED when this process is root's and the mapper at the other end of `socket` is not. */
export async function checkPortMapperOwner(socket: net.Socket, uid = process.getuid?.()): Promise<void> {
  if (uid !== 0 || !isLocalAddress(socket.remoteAddress)) return;
  const owner = await peerUser(socket);
  if ('unknown' in owner || owner.uid === 0) return; // not Linux, or closed meanwhile: nothing to go on
  const pid = owner.inode === undefined ? undefined : await socketProcess(owner.inode);
  throw new DistributionError({
    code: 'DIST_PORT_MAPPER_UNTRUSTED',
    address: `${socket.remoteAddress}:${socket.remotePort}`,
    owner: await userName(owner.uid),
    pid,
  });
}

/** Loopback or an address of this host's interfaces. */
export function isLocalAddress(address: string | undefined): boolean {
  if (address === undefined) return false;
  const plain = address.replace(/^::ffff:/i, '');
  if (plain.startsWith('127.') || plain === '::1') return true;
  return Object.values(networkInterfaces()).some((list) => list?.some((entry) => entry.address === plain));
}

/** `user 65534 (nobody)`, from /etc/passwd when listed there. */
export async function userName(uid: number, passwd = '/etc/passwd'): Promise<string> {
  try {
    const text = await readFile(passwd, 'utf8');
    const line = text.split('\n').find((entry) => entry.split(':')[2] === String(uid));
    const name = line?.split(':')[0];
    return name ? `user ${uid} (${name})` : `user ${uid}`;
  } catch {
    return `user ${uid}`;
  }
}

/** The process holding the socket with this inode (root sees every process's descriptors); undefined if not found. */
async function socketProcess(inode: number): Promise<number | undefined> {
  const target = `socket:[${inode}]`;
  let pids: string[];
  try {
    pids = (await readdir('/proc')).filter((entry) => /^\d+$/.test(entry));
  } catch {
    return undefined;
  }
  for (const pid of pids) {
    let fds: string[];
    try {
      fds = await readdir(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        if ((await readlink(`/proc/${pid}/fd/${fd}`)) === target) return Number(pid);
      } catch {
        // closed meanwhile
      }
    }
  }
  return undefined;
}
