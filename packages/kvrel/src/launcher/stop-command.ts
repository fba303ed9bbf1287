/**
 * `stop`: a graceful stop first, and what it takes after that to end the node, said on stderr. The
 * node is asked to stop (it has STOP_ANSWER_MS to answer) and given STOP_GRACEFUL_MS to exit; a node
 * that does not answer (its event loop held by a busy loop) or does not exit gets SIGTERM, and
 * STOP_TERM_MS later SIGKILL. A node that does not answer is found through its pid file (a daemon's).
 * Exit 0 once the node's process is gone, however it went; 1 when there is no node, or no way to it.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { isCodedError, pollUntil } from '@kvrel/runtime/internal';
import { formatFailure } from '../shared/format-failure.js';
import { pidFile } from '../shared/run-files.js';
import { callRunningNode, closeRunningNodeConnection, NodeNotRunningError, runningNodeName } from './node-link.js';
import { processAlive } from '../shared/process-alive.js';
import type { ReleaseContext } from '../shared/release-context.js';
import { runsRelease } from '../shared/release-process.js';

/** For the node to answer the stop request (connecting included). */
export const STOP_ANSWER_MS = 5_000;
/** For the node to stop its applications and exit once it has answered. */
export const STOP_GRACEFUL_MS = 30_000;
/** Between SIGTERM and SIGKILL. */
export const STOP_TERM_MS = 5_000;

export async function stop(context: ReleaseContext): Promise<number> {
  const node = JSON.stringify(runningNodeName());
  let nodePid: number;
  try {
    nodePid = (await callRunningNode('system', 'stop', [], STOP_ANSWER_MS)) as number;
  } catch (error) {
    const daemonPid = runningDaemonPid(pidFile(context), context);
    // Nothing runs: the usual "no node" error. A node that does not answer: signals, if its pid is known.
    if (daemonPid === undefined && error instanceof NodeNotRunningError) throw error;
    if (daemonPid === undefined) {
      process.stderr.write(
        `ERROR: node ${node} did not answer the stop request within ${STOP_ANSWER_MS / 1000} s (${formatFailure(error)}), ` +
          `and no pid file names it (only a daemon writes one, ${pidFile(context)}): end it with kill -TERM <pid>, then kill -KILL\n`,
      );
      return 1;
    }
    const why =
      error instanceof NodeNotRunningError
        ? 'is not reachable over distribution'
        : isCodedError(error) && error.code === 'KVREL_NO_DISTRIBUTION'
          ? 'cannot be asked to stop: RELEASE_DISTRIBUTION is none'
          : `did not answer the stop request within ${STOP_ANSWER_MS / 1000} s (${formatFailure(error)})`;
    process.stderr.write(`node ${node} ${why}; pid ${daemonPid} (${pidFile(context)})\n`);
    await closeRunningNodeConnection();
    return escalate(node, daemonPid, pidFile(context));
  }
  // Let go of the connection at once, so the node's shutdown does not wait for this client.
  await closeRunningNodeConnection();
  if (await exitedWithin(nodePid, STOP_GRACEFUL_MS)) return 0;
  process.stderr.write(`node ${node} (pid ${nodePid}) is still running ${STOP_GRACEFUL_MS / 1000} s after it was asked to stop\n`);
  return escalate(node, nodePid, pidFile(context));
}

/** SIGTERM, then SIGKILL; a killed daemon cannot remove its pid file, so this does. */
async function escalate(node: string, pid: number, pidPath: string): Promise<number> {
  process.stderr.write(`sent SIGTERM to node ${node} (pid ${pid})\n`);
  if (!signal(pid, 'SIGTERM') || (await exitedWithin(pid, STOP_TERM_MS))) {
    process.stderr.write(`node ${node} (pid ${pid}) exited after SIGTERM\n`);
    return 0;
  }
  process.stderr.write(`node ${node} (pid ${pid}) is still running ${STOP_TERM_MS / 1000} s after SIGTERM; sent SIGKILL\n`);
  if (!signal(pid, 'SIGKILL') || (await exitedWithin(pid, STOP_TERM_MS))) {
    process.stderr.write(`node ${node} (pid ${pid}) was killed (SIGKILL)\n`);
    if (existsSync(pidPath) && readFileSync(pidPath, 'utf8').trim() === String(pid)) rmSync(pidPath, { force: true });
    return 0;
  }
  process.stderr.write(`ERROR: node ${node} (pid ${pid}) is still running after SIGKILL\n`);
  return 1;
}

/** false when the process was gone already. */
function signal(pid: number, name: NodeJS.Signals): boolean {
  try {
    process.kill(pid, name);
    return true;
  } catch {
    return false;
  }
}

async function exitedWithin(pid: number, timeoutMs: number): Promise<boolean> {
  return (await pollUntil(() => (processAlive(pid) ? undefined : true), { timeoutMs, intervalMs: 10 })) === true;
}

/** The pid in the daemon's pid file, when that process is still this release's node. */
function runningDaemonPid(file: string, context: ReleaseContext): number | undefined {
  const pid = existsSync(file) ? Number(readFileSync(file, 'utf8').trim()) : 0;
  return Number.isInteger(pid) && pid > 0 && runsRelease(pid, join(context.root, 'releases'), context.manifest.name) ? pid : undefined;
}
