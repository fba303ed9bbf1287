/**
 * Named services a node offers to other nodes over distribution (and to itself): an RPC to
 * `service.fn(args)` on node N ends up here on N. kv registers "kv.router"; the launcher's
 * rpc/stop/pid use "system".
 */
// biome-ignore lint/suspicious/noExplicitAny: a handler takes the arguments its service declares; any[] is what lets each be assigned here
export type ServiceHandler = (...args: any[]) => unknown;
export type Service = Readonly<Record<string, ServiceHandler>>;

const services = new Map<string, Service>();

export function registerService(name: string, service: Service): void {
  services.set(name, service);
}

export function unregisterService(name: string): void {
  services.delete(name);
}

export function lookupService(name: string): Service | undefined {
  return services.get(name);
}

/** Runs a service function of this node; errors name the service and function. */
export async function invokeLocal(service: string, fn: string, args: readonly unknown[]): Promise<unknown> {
  const handler = services.get(service)?.[fn];
  if (typeof handler !== 'function') throw new Error(`no function ${service}.${fn} on this node`);
  return handler(...args);
}
