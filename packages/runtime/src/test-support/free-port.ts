/**
 * For the tests of every package and test/'s end-to-end files: a TCP port that was free on 127.0.0.1
 * a moment ago (the OS picked it). Only for a port the test binds at once, or one that must stay unbound.
 */
import { createServer } from 'node:net';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
