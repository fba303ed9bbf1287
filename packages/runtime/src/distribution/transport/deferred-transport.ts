/**
 * The transport of a node whose distribution is still starting: boot starts distribution alongside
 * the applications, so this answers Node.self() with the configured name at once and makes calls to
 * other nodes wait until distribution is up (or fail with its start error).
 */
import type { Transport } from '../node.js';

export function deferredTransport(self: string, ready: Promise<Transport | undefined>): Transport {
  const later = async <T>(use: (transport: Transport) => Promise<T>): Promise<T> => {
    const transport = await ready;
    if (!transport) throw new Error(`distribution did not start on node ${JSON.stringify(self)}`);
    return use(transport);
  };
  return {
    self: () => self,
    list: () => [],
    ping: (name) => later((t) => t.ping(name)),
    connect: (name) => later((t) => t.connect(name)),
    call: (node, service, fn, args, timeoutMs) => later((t) => t.call(node, service, fn, args, timeoutMs)),
    stop: async () => (await ready.catch(() => undefined))?.stop(),
  };
}
