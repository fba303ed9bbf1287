/**
 * The "status" service every node offers over distribution: `ping` (what `bin/<name> ping` calls)
 * and `status` (what `bin/<name> status` and `top` call), with the event-loop monitor it reads.
 */
import { registerService, unregisterService } from '../distribution/services.js';
import { EventLoopMonitor } from './event-loop-monitor.js';
import { collectNodeStatus, type NodeStatusSources } from './node-status.js';

export const STATUS_SERVICE = 'status';

/** Registers the service; returns what unregisters it and stops the monitor. */
export function registerStatusService(sources: Omit<NodeStatusSources, 'eventLoop'>): () => void {
  const monitor = new EventLoopMonitor();
  registerService(STATUS_SERVICE, {
    ping: () => 'pong',
    status: () => collectNodeStatus({ ...sources, eventLoop: () => monitor.read() }),
  });
  return () => {
    unregisterService(STATUS_SERVICE);
    monitor.stop();
  };
}
