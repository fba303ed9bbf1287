/**
 * One authenticated link to another node (built only after the handshake succeeded).
 *
 * Calls are matched to replies by id, so many run at once and replies may come back in any
 * order; none waits behind a slow one. Each call has its own timeout. When the link closes,
 * every pending call fails at once with an error naming the node. Incoming calls run through
 * the node's services (services.ts); their errors travel back as messages, never as a crash.
 *
 * A peer silent for netTicktime is declared down (tick-watch.ts): the link closes with that reason.
 * A frame that fails authentication (framed-socket.ts) closes the link with that reason, logged
 * rate-limited; the next use dials again with new keys.
 * Calls push back once maxSendQueueBytes wait for the peer to read: they fail at once, unsent
 * (DIST_SEND_QUEUE_FULL), instead of growing this process's memory.
 */
import { DistributionError, RemoteCallError } from '../errors.js';
import type { FramedSocket } from './framed-socket.js';
import { TickWatch } from './tick-watch.js';
import { decodeMessage, encodeMessage, type Message } from '../wire/message.js';
import type { DistributionSettings, Invoke } from './distribution-settings.js';
import { FrameAuthenticationError } from '../wire/frame-auth.js';
import type { Logger, ScopedLogger } from '../../logger/logger.js';

export interface NodeConnectionOptions {
  /** The peer's node name, as it proved in the handshake. */
  readonly peer: string;
  /** A hidden peer (an rpc/remote client) is not listed by Node.list(). */
  readonly hidden?: boolean;
  readonly socket: FramedSocket;
  /** invoke, logger, netTicktimeMs (silence after which the peer is declared down), maxSendQueueBytes. */
  readonly settings: DistributionSettings;
}

interface PendingCall {
  readonly request: string;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: Error) => void;
  readonly timer: NodeJS.Timeout | undefined;
}

export class NodeConnection {
  readonly peer: string;
  readonly hidden: boolean;
  readonly #socket: FramedSocket;
  readonly #invoke: Invoke;
  readonly #log: Logger;
  readonly #pending = new Map<number, PendingCall>();
  readonly #maxSendQueueBytes: number;
  readonly #tickWatch: TickWatch;
  #nextId = 1;
  #closed = false;
  #declaredDown = false;
  #closeReason: string | undefined;
  #closeListeners: ((connection: NodeConnection) => void)[] = [];

  constructor(options: NodeConnectionOptions) {
    const { invoke, logger, maxSendQueueBytes, netTicktimeMs } = options.settings;
    this.peer = options.peer;
    this.hidden = options.hidden ?? false;
    this.#socket = options.socket;
    this.#invoke = invoke;
    this.#log = logger;
    this.#maxSendQueueBytes = maxSendQueueBytes;
    this.#tickWatch = new TickWatch({
      netTicktimeMs,
      bytesReceived: () => this.#socket.bytesReceived,
      sendTick: () => this.#send({ type: 'tick' }),
      onSilent: () => this.#declareDown(`it did not answer for ${formatSeconds(netTicktimeMs)} (kernel.netTicktime)`),
    });
    this.#socket.onClose((error) => {
      if (error instanceof FrameAuthenticationError) this.#reportForgery(error);
      this.#onClosed(error?.message);
    });
    this.#socket.startReading((frame) => this.#onFrame(frame));
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Why the link closed: "it did not answer for 60 s (kernel.netTicktime)", a socket error, or undefined (closed cleanly). */
  get closeReason(): string | undefined {
    return this.#closeReason;
  }

  /** Whether the failure detector closed the link (the peer hangs rather than being gone). */
  get declaredDown(): boolean {
    return this.#declaredDown;
  }

  /** Number of calls waiting for their reply. */
  get pendingCalls(): number {
    return this.#pending.size;
  }

  /**
   * Runs service.fn(...args) on the peer. Rejects on timeout, on a remote error, or when the link
   * closes. `reportedTimeoutMs` is the timeout the error names (the caller's, when part of it
   * went into connecting).
   */
  call(service: string, fn: string, args: readonly unknown[], timeoutMs: number, reportedTimeoutMs = timeoutMs): Promise<unknown> {
    return this.#request(`${service}.${fn}`, timeoutMs, (id) => ({ type: 'call', id, service, fn, args }), reportedTimeoutMs);
  }

  /** Resolves when the peer answers a ping. */
  async ping(timeoutMs: number): Promise<void> {
    await this.#request('ping', timeoutMs, (id) => ({ type: 'ping', id }));
  }

  onClose(listener: (connection: NodeConnection) => void): void {
    if (this.#closed) queueMicrotask(() => listener(this));
    else this.#closeListeners.push(listener);
  }

  /** Closes the link; pending calls fail as if the peer went away. */
  close(): void {
    this.#socket.end();
    this.#onClosed(undefined);
  }

  /** Someone on the path wrote into the link: one line per window, however many try. */
  #reportForgery(error: FrameAuthenticationError): void {
    const line = `closed the link to node ${JSON.stringify(this.peer)}: ${error.message}; nothing in it was run`;
    const log = this.#log as Logger & Partial<Pick<ScopedLogger, 'limited'>>;
    if (log.limited) log.limited('warning', 'unauthenticated frames', line);
    else log.warning(line);
  }

  #declareDown(reason: string): void {
    this.#declaredDown = true;
    this.#onClosed(reason);
    this.#socket.destroy();
  }

  #request(request: string, timeoutMs: number, build: (id: number) => Message, reportedTimeoutMs = timeoutMs): Promise<unknown> {
    if (this.#closed) return Promise.reject(this.#wentAway(request));
    const queuedBytes = this.#socket.queuedBytes;
    if (queuedBytes > this.#maxSendQueueBytes) {
      return Promise.reject(new DistributionError({ code: 'DIST_SEND_QUEUE_FULL', node: this.peer, request, queuedBytes, limit: this.#maxSendQueueBytes }));
    }
    const id = this.#nextId;
    this.#nextId = (this.#nextId + 1) >>> 0 || 1;
    let payload: Buffer;
    try {
      payload = encodeMessage(build(id));
    } catch (error) {
      return Promise.reject(new Error(`could not send ${request} to node ${JSON.stringify(this.peer)}: ${messageOf(error)}`));
    }
    return new Promise((resolve, reject) => {
      const timer = Number.isFinite(timeoutMs)
        ? setTimeout(() => {
            this.#pending.delete(id);
            reject(new DistributionError({ code: 'DIST_CALL_TIMEOUT', node: this.peer, request, timeoutMs: reportedTimeoutMs }));
          }, timeoutMs)
        : undefined;
      this.#pending.set(id, { request, resolve, reject, timer });
      this.#socket.write(payload);
    });
  }

  #onFrame(frame: Buffer): void {
    let message: Message;
    try {
      message = decodeMessage(frame);
    } catch {
      this.#log.warning(`dropped the connection to node ${JSON.stringify(this.peer)}: it sent a malformed message`);
      this.#socket.destroy();
      return;
    }
    switch (message.type) {
      case 'call':
        this.#serve(message.id, message.service, message.fn, message.args);
        return;
      case 'ping':
        this.#send({ type: 'pong', id: message.id });
        return;
      case 'tick':
        this.#send({ type: 'tock' });
        return;
      case 'tock':
        return; // its bytes were the sign of life
      case 'reply':
      case 'pong':
        this.#settle(message.id)?.resolve(message.type === 'reply' ? message.value : 'pong');
        return;
      case 'error':
        this.#settle(message.id)?.reject(new RemoteCallError(this.peer, message.message, message.code));
        return;
    }
  }

  #settle(id: number): PendingCall | undefined {
    const pending = this.#pending.get(id);
    if (!pending) return undefined; // timed out already
    this.#pending.delete(id);
    clearTimeout(pending.timer);
    return pending;
  }

  #serve(id: number, service: string, fn: string, args: readonly unknown[]): void {
    new Promise<unknown>((resolve) => resolve(this.#invoke(service, fn, args))).then(
      (value) => {
        try {
          this.#send({ type: 'reply', id, value });
        } catch (error) {
          this.#send({ type: 'error', id, message: `the result of ${service}.${fn} could not be sent: ${messageOf(error)}`, code: undefined });
        }
      },
      (error: unknown) => {
        const code = (error as { code?: unknown } | null)?.code;
        this.#send({ type: 'error', id, message: messageOf(error), code: typeof code === 'string' ? code : undefined });
      },
    );
  }

  /**
   * Throws when the message cannot be encoded, or is a reply larger than a frame may be (the peer
   * would drop the link on it: the caller gets an error naming the limit instead); writes nothing
   * once closed.
   */
  #send(message: Message): void {
    if (this.#closed) return;
    const payload = encodeMessage(message);
    const limit = this.#socket.maxFrameBytes;
    if (message.type === 'reply' && payload.length > limit) {
      throw new Error(`it is ${payload.length.toLocaleString('en-US')} bytes, over the frame limit of ${limit.toLocaleString('en-US')} bytes`);
    }
    this.#socket.write(payload);
  }

  #onClosed(reason: string | undefined): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#closeReason = reason;
    this.#tickWatch.stop();
    const pending = [...this.#pending.values()];
    this.#pending.clear();
    for (const call of pending) {
      clearTimeout(call.timer);
      call.reject(this.#wentAway(call.request));
    }
    const listeners = this.#closeListeners;
    this.#closeListeners = [];
    for (const listener of listeners) listener(this);
  }

  #wentAway(request: string): DistributionError {
    const reason = this.#closeReason;
    return new DistributionError({ code: 'DIST_NODE_WENT_AWAY', node: this.peer, request, ...(reason !== undefined && { reason }) });
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function formatSeconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(3))} s`;
}
