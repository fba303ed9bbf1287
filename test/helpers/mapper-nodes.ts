/**
 * Runs test/fixtures/mapper-nodes.ts (many lightweight nodes in one process) as any OS user: the
 * fixture is bundled into a temporary folder every user can read, and started through setpriv for
 * another uid. Also finds a port mapper's pid and listening addresses from /proc, since a mapper a
 * node starts is detached and must still be cleaned up by pid.
 */
import { chmodSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll } from 'vitest';
import { stopAll } from './processes.js';
import { start, trackPid, type Started } from './processes.js';
import { repoRoot } from './repo.js';

export interface MapperNodes {
  readonly dir: string;
  /** Starts the fixture as `uid` (default this process's user). */
  run(args: readonly string[], env: Record<string, string>, uid?: number): Started;
  /** Tracks (for stopAll) the mapper listening on each port a run was given: call before stopAll(). */
  trackMappers(): void;
  remove(): void;
}

/**
 * The fixture for the test file that calls this (at its top level): bundled before its tests; after
 * them, the mappers its nodes started (detached: found by port) and every process are stopped by pid.
 */
export function mapperNodesForThisFile(): () => MapperNodes {
  let fixture: MapperNodes | undefined;
  beforeAll(async () => {
    fixture = await bundleMapperNodes();
  });
  afterAll(async () => {
    fixture?.trackMappers();
    await stopAll();
    fixture?.remove();
  });
  return () => fixture!;
}

export async function bundleMapperNodes(): Promise<MapperNodes> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'kvrel-mapper-nodes-'));
  chmodSync(dir, 0o755);
  const entry = path.join(dir, 'mapper-nodes.mjs');
  await build({
    entryPoints: [path.join(repoRoot, 'test', 'fixtures', 'mapper-nodes.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    outfile: entry,
    conditions: ['kvrel-source'],
    logLevel: 'silent',
  });
  chmodSync(entry, 0o644);
  const ports = new Set<number>();
  return {
    dir,
    run(args, env, uid) {
      if (env['KVREL_PORT_MAPPER_PORT'] !== undefined) ports.add(Number(env['KVREL_PORT_MAPPER_PORT']));
      const asUser = uid === undefined || uid === process.getuid!() ? [] : ['setpriv', `--reuid=${uid}`, `--regid=${uid}`, '--clear-groups'];
      const [file, ...rest] = [...asUser, process.execPath, entry, ...args];
      return start(file!, rest, { cwd: dir, env: { HOME: dir, ...env } });
    },
    trackMappers: () => ports.forEach((port) => listenerPid(port)),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Listening sockets on `port` in /proc/net/tcp{,6}: their addresses (hex as printed) and inodes. */
export function listeners(port: number): Array<{ address: string; inode: number; uid: number }> {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  const found: Array<{ address: string; inode: number; uid: number }> = [];
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text = '';
    try {
      text = readFileSync(file, 'latin1');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      if (fields.length < 10 || fields[3] !== '0A') continue;
      const [address, localPort] = fields[1]!.split(':');
      if (localPort === hexPort) found.push({ address: address!, inode: Number(fields[9]), uid: Number(fields[7]) });
    }
  }
  return found;
}

/** The pid of the process listening on `port` (a detached port mapper), tracked for cleanup; undefined if none. */
export function listenerPid(port: number): number | undefined {
  const inodes = new Set(listeners(port).map((entry) => `socket:[${entry.inode}]`));
  if (inodes.size === 0) return undefined;
  for (const pid of readdirSync('/proc').filter((entry) => /^\d+$/.test(entry))) {
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        if (inodes.has(readlinkSync(`/proc/${pid}/fd/${fd}`))) {
          trackPid(Number(pid));
          return Number(pid);
        }
      } catch {
        // closed meanwhile
      }
    }
  }
  return undefined;
}
