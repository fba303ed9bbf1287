/**
 * What `bin/<name> status` and `top` show of a running node, gathered in the node in one call:
 * identity, applications with their modes, states and supervision trees, restarts, memory, the
 * event loop, client connections, operations served, connected nodes, and every registered measure.
 */
import type { ApplicationController, ApplicationSnapshot } from '../application/controller.js';
import { Node } from '../distribution/node.js';
import { headlineTotal, readSamples, registeredMeasures } from '../metrics/measures.js';
import { restartCounts } from '../supervision/restart-counts.js';
import type { EventLoopFigures } from './event-loop-monitor.js';

export interface NodeStatus {
  readonly node: string;
  readonly pid: number;
  readonly release?: { readonly name: string; readonly version: string };
  readonly nodeVersion: string;
  /** The platform the node runs on, as a release target names it: `linux-arm64`. */
  readonly platform: string;
  readonly uptimeSeconds: number;
  readonly applications: readonly ApplicationSnapshot[];
  /** Restarts per supervisor name since boot (those that restarted at least once). */
  readonly restarts: Readonly<Record<string, number>>;
  readonly memory: { readonly rss: number; readonly heapUsed: number; readonly heapTotal: number; readonly external: number };
  readonly eventLoop: EventLoopFigures;
  /** Open client connections (measures with headline "connections"). */
  readonly connections: number;
  /** Operations served since boot (measures with headline "operations"): `top` turns it into ops/s. */
  readonly operations: number;
  /** Connected visible nodes. */
  readonly nodes: readonly string[];
  readonly measures: readonly { readonly name: string; readonly labels?: Readonly<Record<string, string>>; readonly value: number }[];
}

export interface NodeStatusSources {
  readonly controller: ApplicationController;
  readonly release?: { readonly name: string; readonly version: string } | undefined;
  readonly eventLoop: () => EventLoopFigures;
}

export function collectNodeStatus(sources: NodeStatusSources): NodeStatus {
  const memory = process.memoryUsage();
  const measures = registeredMeasures().flatMap((measure) => readSamples(measure).map((sample) => ({ name: measure.name, ...sample })));
  return {
    node: Node.self(),
    pid: process.pid,
    ...(sources.release ? { release: { name: sources.release.name, version: sources.release.version } } : {}),
    nodeVersion: process.version,
    platform: `${process.platform}-${process.arch}`,
    uptimeSeconds: Math.round(process.uptime() * 10) / 10,
    applications: sources.controller.describe(),
    restarts: Object.fromEntries(restartCounts()),
    memory: { rss: memory.rss, heapUsed: memory.heapUsed, heapTotal: memory.heapTotal, external: memory.external },
    eventLoop: sources.eventLoop(),
    connections: headlineTotal('connections'),
    operations: headlineTotal('operations'),
    nodes: Node.list(),
    measures,
  };
}
