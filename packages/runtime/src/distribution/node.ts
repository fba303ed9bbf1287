/**
 * Node: this node's name and its links to other nodes (Elixir's Node module).
 * Without distribution the name is "nonode@nohost" and every call to another node fails at once.
 */
import { DistributionError } from './errors.js';
import { invokeLocal } from './services.js';

export const NO_NODE = 'nonode@nohost';

export interface Transport {
  self(): string;
  list(): string[];
  ping(name: string): Promise<'pong' | 'pang'>;
  connect(name: string): Promise<boolean>;
  call(node: string, service: string, fn: string, args: readonly unknown[], timeoutMs: number): Promise<unknown>;
  stop(): Promise<void>;
}

const localOnly: Transport = {
  self: () => NO_NODE,
  list: () => [],
  ping: async () => 'pang',
  connect: async () => false,
  call: async (node) => {
    throw new DistributionError({ code: 'DIST_NOT_STARTED', node, state: 'not started' });
  },
  stop: async () => {},
};

let transport: Transport = localOnly;

export function setTransport(next: Transport | undefined): void {
  transport = next ?? localOnly;
}

export const DEFAULT_CALL_TIMEOUT_MS = 5000;

export const Node = {
  self: (): string => transport.self(),
  list: (): string[] => transport.list(),
  ping: (name: string): Promise<'pong' | 'pang'> => transport.ping(name),
  connect: (name: string): Promise<boolean> => transport.connect(name),
  /** Calls service.fn(...args) on `node` (this node when it is Node.self()). */
  call(node: string, service: string, fn: string, args: readonly unknown[] = [], timeoutMs = DEFAULT_CALL_TIMEOUT_MS): Promise<unknown> {
    if (node === transport.self()) return invokeLocal(service, fn, args);
    return transport.call(node, service, fn, args, timeoutMs);
  },
};
