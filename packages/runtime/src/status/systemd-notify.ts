/**
 * Readiness for systemd (Type=notify): once the node has booted, READY=1 goes to $NOTIFY_SOCKET.
 * That is a unix datagram socket, which Node cannot open (dgram has udp4/udp6 only, net has stream
 * sockets only), so the message is sent by `systemd-notify`, which ships with systemd itself. It
 * runs as a child of the node, not as the service's main process, so the unit says NotifyAccess=all.
 * systemd-notify (systemd 246+) waits until systemd has processed the message before it exits.
 */
import { spawn } from 'node:child_process';
import { createLogger } from '../logger/logger.js';

const log = createLogger('');

/** Sends READY=1 with a STATUS line when NOTIFY_SOCKET is set; resolves once systemd-notify is done. */
export function notifySystemdReady(status: string, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const socket = env['NOTIFY_SOCKET'];
  if (!socket) return Promise.resolve();
  // Processes the node starts later (a port mapper) are not the service: they must not inherit it.
  delete env['NOTIFY_SOCKET'];
  return new Promise((resolve) => {
    let errors = '';
    const child = spawn('systemd-notify', ['--ready', `--status=${status}`], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...env, NOTIFY_SOCKET: socket } });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (errors += chunk));
    child.on('error', (error: NodeJS.ErrnoException) => {
      log.warning(`NOTIFY_SOCKET is set but systemd-notify could not run (${error.code ?? error.message}); systemd is not told that the node is ready`);
      resolve();
    });
    child.on('exit', (code) => {
      if (code !== 0) log.warning(`systemd-notify --ready failed (exit ${code}): ${errors.trim()}`);
      resolve();
    });
  });
}
