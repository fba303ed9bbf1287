/** One frame of `bin/<name> top` (pure): headline figures, then the application tree with states. */
import type { ApplicationState, NodeStatus, SupervisorSnapshot } from '@kvrel/runtime';
import { formatBytes, formatCount, formatMs, formatPercent, formatUptime } from './format-figures.js';

export interface TopFrameOptions {
  /** ANSI colours (off with NO_COLOR or when the output is not a terminal). */
  readonly color: boolean;
  /** Operations per second since the previous frame; undefined on the first one. */
  readonly opsPerSecond?: number | undefined;
  /** Shown on the first line of a live view. */
  readonly hint?: string;
}

const STATE_COLOR: Record<ApplicationState, number> = { started: 32, starting: 33, stopping: 33, loaded: 36, stopped: 33, failed: 31 };

export function formatTopFrame(status: NodeStatus, options: TopFrameOptions): string {
  const paint = (code: number, text: string) => (options.color ? `\x1b[${code}m${text}\x1b[0m` : text);
  const release = status.release ? `${status.release.name} ${status.release.version}` : 'kvrel run';
  const delay = status.eventLoop.delayMs;
  const lines = [
    paint(1, `${status.node} · ${release} · pid ${status.pid} · Node ${status.nodeVersion} · up ${formatUptime(status.uptimeSeconds)}`) +
      (options.hint ? `   ${options.hint}` : ''),
    `ops/s ${options.opsPerSecond === undefined ? '-' : formatCount(options.opsPerSecond)}   connections ${formatCount(status.connections)}   nodes ` +
      `${status.nodes.length > 0 ? status.nodes.join(', ') : 'none'}`,
    `memory rss ${formatBytes(status.memory.rss)} · heap ${formatBytes(status.memory.heapUsed)} of ${formatBytes(status.memory.heapTotal)}`,
    `event loop delay p99 ${formatMs(delay.p99)} · max ${formatMs(delay.max)} · utilisation ${formatPercent(status.eventLoop.utilization)}`,
    '',
  ];
  const width = Math.max(11, ...status.applications.map((a) => a.name.length + 2));
  lines.push(paint(1, `${'APPLICATION'.padEnd(width)}  ${'VERSION'.padEnd(8)}  ${'MODE'.padEnd(9)}  STATE`));
  for (const app of status.applications) {
    lines.push(`${app.name.padEnd(width)}  ${app.version.padEnd(8)}  ${app.mode.padEnd(9)}  ${paint(STATE_COLOR[app.state], app.state)}`);
    if (app.supervisor) lines.push(...treeLines(app.supervisor, '  ', paint));
  }
  return `${lines.join('\n')}\n`;
}

function treeLines(supervisor: SupervisorSnapshot, indent: string, paint: (code: number, text: string) => string): string[] {
  const restarts = supervisor.restarts === 0 ? '' : paint(33, ` ${supervisor.restarts} restart${supervisor.restarts === 1 ? '' : 's'}`);
  const lines = [`${indent}└ supervisor ${supervisor.name}${restarts}`];
  supervisor.children.forEach((child, i) => {
    const branch = i === supervisor.children.length - 1 ? '└' : '├';
    lines.push(`${indent}  ${branch} ${child.id} ${child.running ? paint(32, 'running') : paint(31, 'down')}`);
    if (child.supervisor) lines.push(...treeLines(child.supervisor, `${indent}    `, paint));
  });
  return lines;
}

/** Operations per second between two readings of the operations counter. */
export function operationsRate(previous: { operations: number; at: number }, current: { operations: number; at: number }): number {
  const seconds = (current.at - previous.at) / 1000;
  // A restarted application starts its counters again: no negative rate.
  return seconds > 0 ? Math.max(0, (current.operations - previous.operations) / seconds) : 0;
}
