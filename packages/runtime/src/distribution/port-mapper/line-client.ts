/** A connection to a port mapper, read line by line (the protocol is in server.ts). */
import type net from 'node:net';

export const CLOSED_BY_MAPPER = 'the port mapper closed the connection';

export class LineClient {
  readonly socket: net.Socket;
  #buffered = '';
  #lines: string[] = [];
  #waiter: { resolve(line: string): void; reject(error: Error): void } | undefined;
  #ended = false;

  constructor(socket: net.Socket) {
    this.socket = socket;
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      this.#buffered += chunk;
      let newline: number;
      while ((newline = this.#buffered.indexOf('\n')) !== -1) {
        this.#lines.push(this.#buffered.slice(0, newline));
        this.#buffered = this.#buffered.slice(newline + 1);
      }
      this.#deliver();
    });
    socket.on('error', () => {});
    socket.on('close', () => {
      this.#ended = true;
      this.#deliver();
    });
  }

  send(line: string): void {
    this.socket.write(`${line}\n`);
  }

  readLine(): Promise<string> {
    return new Promise((resolve, reject) => {
      this.#waiter = { resolve, reject };
      this.#deliver();
    });
  }

  #deliver(): void {
    const waiter = this.#waiter;
    if (!waiter) return;
    const line = this.#lines.shift();
    if (line !== undefined) {
      this.#waiter = undefined;
      waiter.resolve(line);
    } else if (this.#ended) {
      this.#waiter = undefined;
      waiter.reject(new Error(CLOSED_BY_MAPPER));
    }
  }
}
