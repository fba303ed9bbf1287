/**
 * `daemon`: starts the node as a detached copy of this executable (a SEA cannot fork its own
 * script: it re-runs itself with `start` and KVREL_DAEMON=1), its output going to rotated logs under
 * RELEASE_TMP/log, and returns once the node has booted and written its pid file. While a node of
 * this release (whichever version it runs) owns the pid file, it refuses and leaves the file alone.
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, rmSync } from 'node:fs';
import { APPEND_NO_FOLLOW, pollUntil } from '@kvrel/runtime/internal';
import { prepareReleaseTmp } from './release-tmp.js';
import { join } from 'node:path';
import { runsRelease } from '../shared/release-process.js';
import type { ReleaseContext } from '../shared/release-context.js';
import { UserError } from '../shared/user-error.js';
import { DAEMON_ENV, logDir, pidFile, readPidFile } from '../shared/run-files.js';
import { nodeOptionsArgument } from '../shared/node-options-argument.js';

/** A node that neither boots nor exits within this is killed: generous, as a release for linux-arm64 under an emulator (qemu-user) boots in ~15-30 s. */
const DAEMON_BOOT_TIMEOUT_MS = 90_000;

export async function runDaemon(context: ReleaseContext, command: 'start' | 'start_iex', timeoutMs = DAEMON_BOOT_TIMEOUT_MS): Promise<number> {
  prepareReleaseTmp(context.tmp, ['log']);
  const { name } = context.manifest;
  const pidPath = pidFile(context);
  const running = readPidFile(pidPath);
  // A pid file is stale when its process is gone or is another program that got the pid since; a node
  // of an older version of this release, still running after a rebuild, is this release.
  if (running > 0 && runsRelease(running, join(context.root, 'releases'), name)) {
    throw new UserError('KVREL_ALREADY_RUNNING', `${name} is already running as a daemon (pid ${running}, ${pidPath}); stop it first with bin/${name} stop`);
  }
  rmSync(pidPath, { force: true });
  // Whatever Node itself prints (a fatal error, an abort) lands in the log too, not in /dev/null.
  const logFile = join(logDir(context), `${name}.log.1`);
  let output: number;
  try {
    output = openSync(logFile, APPEND_NO_FOLLOW, 0o644);
  } catch (error) {
    // ELOOP: a symbolic link planted where the log goes; it is never followed.
    const code = (error as NodeJS.ErrnoException).code === 'ELOOP' ? 'KVREL_UNSAFE_RELEASE_TMP' : 'KVREL_RELEASE_TMP_UNUSABLE';
    throw new UserError(code, `cannot open the daemon's log ${logFile}: ${(error as Error).message}; check RELEASE_TMP (or remove what is in the log's place)`);
  }
  // With vm.args in NODE_OPTIONS (older Nodes), the child inherits them through the environment.
  const vmArgs = context.manifest.vmArgsVia === 'cli' ? [nodeOptionsArgument()] : [];
  const child = spawn(process.execPath, [...vmArgs, command === 'start_iex' ? 'start' : command], {
    detached: true,
    stdio: ['ignore', output, output],
    env: { ...process.env, [DAEMON_ENV]: '1' },
  });
  closeSync(output);
  let exited: number | null | undefined;
  child.on('exit', (code, signal) => {
    exited = code ?? (signal ? 128 : 1);
  });
  // Booted once the pid file names the child; false once the child has exited.
  const booted = await pollUntil(() => (exited !== undefined ? false : readPidFile(pidPath) === child.pid ? true : undefined), { timeoutMs, intervalMs: 10 });
  if (booted) {
    child.unref();
    return 0;
  }
  const log = join(logDir(context), `${name}.log.1`);
  const tail = existsSync(log) ? readFileSync(log, 'utf8').split('\n').slice(-15).join('\n') : '';
  process.stderr.write(
    exited !== undefined
      ? `ERROR: the node exited with status ${exited} while starting; its log (${log}) ends with:\n${tail}\n`
      : `ERROR: the node did not finish booting within ${timeoutMs / 1000} s; see ${log}\n`,
  );
  if (exited === undefined) child.kill('SIGKILL');
  return 1;
}
