/**
 * A TCP connection that gives up when `signal` aborts (the socket is destroyed with the signal's
 * reason). Rejects with the socket's own error (ECONNREFUSED, ...); callers word it for their user.
 * Used by the dialing node (transport/dial-node.ts) and the port mapper client.
 */
import net from 'node:net';

export function connectSocket(host: string, port: number, signal: AbortSignal): Promise<net.Socket> {
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port });
    const giveUp = () => socket.destroy(signal.reason as Error);
    signal.addEventListener('abort', giveUp, { once: true });
    socket.once('connect', () => {
      signal.removeEventListener('abort', giveUp);
      socket.removeAllListeners('error');
      resolve(socket);
    });
    socket.once('error', (error) => {
      signal.removeEventListener('abort', giveUp);
      reject(error);
    });
  });
}
