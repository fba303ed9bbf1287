// Polls a TCP connect to 127.0.0.1:port every `intervalMs` (0.5 ms by default) until it is accepted,
// and returns performance.now() of the accepted connect. Between attempts the thread sleeps
// (Atomics.wait) instead of spinning, so the poller does not steal the booting node's core.
import { connect } from 'node:net';
import { performance } from 'node:perf_hooks';

const sleeper = new Int32Array(new SharedArrayBuffer(4));

function tryConnect(port) {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    const timer = setTimeout(() => finish(false), 1000);
    function finish(ok) {
      clearTimeout(timer);
      socket.destroy();
      resolve(ok ? performance.now() : null);
    }
    socket.once('connect', () => finish(true));
    socket.once('error', () => finish(false));
  });
}

export async function waitForAccept(port, { intervalMs = 0.5, timeoutMs = 15_000, child } = {}) {
  const start = performance.now();
  for (;;) {
    const attempt = performance.now();
    const acceptedAt = await tryConnect(port);
    if (acceptedAt !== null) return acceptedAt;
    if (child?.exitStatus) throw new Error(`the node exited (${JSON.stringify(child.exitStatus)}) before accepting on ${port}:\n${child.output.slice(-2000)}`);
    if (attempt - start > timeoutMs) throw new Error(`nothing accepted on 127.0.0.1:${port} within ${timeoutMs} ms`);
    const left = intervalMs - (performance.now() - attempt);
    if (left > 0) Atomics.wait(sleeper, 0, 0, left);
  }
}
