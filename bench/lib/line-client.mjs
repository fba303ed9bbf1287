// A tiny request/reply client for the kv protocol (SPEC §7), for setup steps (CREATE, probes), not for
// load. Every wait is bounded.
import { connect } from 'node:net';

export async function openLineClient(port, timeoutMs = 5000) {
  const socket = connect({ host: '127.0.0.1', port });
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`connect to 127.0.0.1:${port} timed out`)), timeoutMs);
    socket.once('connect', () => (clearTimeout(timer), resolve()));
    socket.once('error', (e) => (clearTimeout(timer), reject(e)));
  });
  socket.setEncoding('latin1');
  let buffer = '';
  let wake = () => {};
  let closed = false;
  socket.on('data', (d) => ((buffer += d), wake()));
  socket.on('close', () => ((closed = true), wake()));
  socket.on('error', () => {});

  async function readLine() {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const at = buffer.indexOf('\r\n');
      if (at !== -1) {
        const line = buffer.slice(0, at);
        buffer = buffer.slice(at + 2);
        return line;
      }
      if (closed) throw new Error(`connection closed (got ${JSON.stringify(buffer)})`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no reply within ${timeoutMs} ms`);
      await new Promise((resolve) => {
        const timer = setTimeout(resolve, left);
        wake = () => (clearTimeout(timer), resolve());
      });
    }
  }

  return {
    /** Sends one command; returns its reply lines (a GET value and its OK, or one line). */
    async command(line) {
      socket.write(`${line}\r\n`);
      const first = await readLine();
      const isValue = line.startsWith('GET ') && !/^(NOT FOUND|UNKNOWN COMMAND|ERROR)/.test(first);
      return isValue ? [first, await readLine()] : [first];
    },
    close() {
      socket.destroy();
    },
  };
}
