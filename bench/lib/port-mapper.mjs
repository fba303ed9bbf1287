// The per-host port mapper is started on demand by the first distributed node and outlives it
// (SPEC §5), so the bench did not spawn it itself. Each bench cluster gives it a port of its own;
// afterwards this finds the process listening on that port whose environment carries that same
// KVREL_PORT_MAPPER_PORT (so it is ours, not a user's mapper) and stops it by pid.
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { freePort } from './free-port.mjs';

const allocated = new Set();

/** A free port for one node's (or cluster's) KVREL_PORT_MAPPER_PORT, remembered for stopAllPortMappers(). */
export async function allocatePortMapperPort() {
  const port = await freePort();
  allocated.add(port);
  return port;
}

/** Stops every port mapper of ours on a port handed out by allocatePortMapperPort(). */
export async function stopAllPortMappers() {
  const stopped = [];
  for (const port of allocated) stopped.push(...(await stopPortMapper(port)));
  allocated.clear();
  return stopped;
}

function listeningInodes(port) {
  const hex = port.toString(16).toUpperCase().padStart(4, '0');
  const inodes = new Set();
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text = '';
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const row of text.split('\n').slice(1)) {
      const f = row.trim().split(/\s+/);
      if (f.length > 9 && f[1].endsWith(`:${hex}`) && f[3] === '0A') inodes.add(f[9]); // 0A = LISTEN
    }
  }
  return inodes;
}

export function portMapperPids(port) {
  const inodes = listeningInodes(port);
  if (inodes.size === 0) return [];
  const pids = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const environ = readFileSync(`/proc/${entry}/environ`, 'latin1').split('\0');
      if (!environ.includes(`KVREL_PORT_MAPPER_PORT=${port}`)) continue;
      const sockets = readdirSync(`/proc/${entry}/fd`).map((fd) => readlinkSync(`/proc/${entry}/fd/${fd}`));
      if (sockets.some((s) => inodes.has(/^socket:\[(\d+)\]$/.exec(s)?.[1]))) pids.push(Number(entry));
    } catch {
      // gone, or not ours to read
    }
  }
  return pids;
}

/** SIGTERM each mapper of ours on `port`, SIGKILL after 2 s. Returns the pids it stopped. */
export async function stopPortMapper(port) {
  const pids = portMapperPids(port);
  for (const pid of pids) signal(pid, 'SIGTERM');
  const deadline = Date.now() + 2000;
  while (pids.some(alive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  for (const pid of pids.filter(alive)) signal(pid, 'SIGKILL');
  return pids;
}

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function signal(pid, name) {
  try {
    process.kill(pid, name);
  } catch {}
}

/** On a hard exit: SIGKILL every port mapper of ours at once (synchronous). */
export function killAllPortMappersNow() {
  for (const port of allocated) for (const pid of portMapperPids(port)) signal(pid, 'SIGKILL');
}
