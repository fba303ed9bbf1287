/** A tiny line client for the kv-server protocol (SPEC §7), for tests. */
import { connect, type Socket } from 'node:net';

export class KvClient {
  private buffer = '';
  private waiters: Array<() => void> = [];
  private closed = false;

  private constructor(readonly socket: Socket) {
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      this.buffer += chunk;
      this.wake();
    });
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
    socket.on('error', () => {});
  }

  static connect(port: number, host = '127.0.0.1'): Promise<KvClient> {
    return new Promise((resolve, reject) => {
      const socket = connect({ port, host }, () => resolve(new KvClient(socket)));
      socket.once('error', reject);
    });
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  /** Sends raw bytes (no newline added). */
  write(data: string | Buffer): void {
    this.socket.write(data);
  }

  /** Sends one command line and returns the reply lines up to and including the final one. */
  async command(line: string, timeoutMs = 5000): Promise<string[]> {
    this.write(`${line}\r\n`);
    const first = await this.readLine(timeoutMs);
    if (line.startsWith('GET ') && first !== 'NOT FOUND' && first !== 'UNKNOWN COMMAND' && !first.startsWith('ERROR')) {
      return [first, await this.readLine(timeoutMs)];
    }
    return [first];
  }

  /** Reads one reply line (without its \r\n). */
  async readLine(timeoutMs = 5000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const at = this.buffer.indexOf('\r\n');
      if (at !== -1) {
        const line = this.buffer.slice(0, at);
        this.buffer = this.buffer.slice(at + 2);
        return line;
      }
      if (this.closed) throw new Error(`connection closed before a full line (got ${JSON.stringify(this.buffer)})`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no reply line within ${timeoutMs} ms (got ${JSON.stringify(this.buffer)})`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Resolves once the server has closed the connection. */
  async waitClosed(timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closed) {
      if (Date.now() > deadline) throw new Error('connection still open');
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 50);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  close(): void {
    this.socket.destroy();
  }
}
