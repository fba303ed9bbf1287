/** The text of `bin/<name> status` (pure: a NodeStatus in, lines out). */
import type { NodeStatus, SupervisorSnapshot } from '@kvrel/runtime';
import { formatBytes, formatMs, formatPercent, formatUptime } from './format-figures.js';

/** The permanent applications that are not started: a node is healthy when there is none. */
export function permanentApplicationsDown(status: Pick<NodeStatus, 'applications'>): string[] {
  return status.applications.filter((app) => app.mode === 'permanent' && app.state !== 'started').map((app) => app.name);
}

export function formatHealth(status: NodeStatus): string {
  const down = permanentApplicationsDown(status);
  if (down.length === 0) return `${status.node}: ok`;
  const states = down.map((name) => `${name} is ${status.applications.find((a) => a.name === name)?.state ?? 'unknown'}`);
  return `${status.node}: permanent application ${states.join(', ')}`;
}

export function formatStatus(status: NodeStatus): string {
  const { memory, eventLoop } = status;
  const delay = eventLoop.delayMs;
  const lines = [
    formatHealth(status),
    row('pid', String(status.pid)),
    row('release', status.release ? `${status.release.name} ${status.release.version}` : '(none: kvrel run)'),
    row('node.js', `${status.nodeVersion} on ${status.platform}`),
    row('uptime', formatUptime(status.uptimeSeconds)),
    row(
      'memory',
      `rss ${formatBytes(memory.rss)} · heap ${formatBytes(memory.heapUsed)} of ${formatBytes(memory.heapTotal)} · external ${formatBytes(memory.external)}`,
    ),
    row(
      'event loop',
      `delay p50 ${formatMs(delay.p50)} · p99 ${formatMs(delay.p99)} · max ${formatMs(delay.max)} · utilisation ` +
        `${formatPercent(eventLoop.utilization)} (last ${(eventLoop.windowMs / 1000).toFixed(1)} s)`,
    ),
    row('connections', String(status.connections)),
    row('nodes', status.nodes.length > 0 ? status.nodes.join(', ') : 'none'),
    row('restarts', formatRestarts(status.restarts)),
    'applications',
    ...formatApplications(status),
  ];
  if (status.measures.length > 0) {
    lines.push('measures');
    for (const measure of status.measures) lines.push(`  ${measure.name}${formatLabels(measure.labels)} ${measure.value}`);
  }
  return `${lines.join('\n')}\n`;
}

function row(label: string, value: string): string {
  return `${label.padEnd(12)} ${value}`;
}

function formatRestarts(restarts: Readonly<Record<string, number>>): string {
  const entries = Object.entries(restarts);
  return entries.length === 0 ? 'none' : entries.map(([name, count]) => `${name} ${count}`).join(', ');
}

function formatApplications(status: NodeStatus): string[] {
  const width = Math.max(...status.applications.map((a) => a.name.length), 4);
  return status.applications.flatMap((app) => [
    `  ${app.name.padEnd(width)}  ${app.version.padEnd(8)}  ${app.mode.padEnd(9)}  ${app.state}`,
    ...(app.supervisor ? formatTree(app.supervisor, '    ') : []),
  ]);
}

/** A supervisor's children, one per line, nested supervisors indented under theirs. */
export function formatTree(supervisor: SupervisorSnapshot, indent: string): string[] {
  const lines = [`${indent}supervisor ${supervisor.name} (${supervisor.restarts} restart${supervisor.restarts === 1 ? '' : 's'})`];
  for (const child of supervisor.children) {
    lines.push(`${indent}  ${child.id}: ${child.running ? 'running' : 'down'}`);
    if (child.supervisor) lines.push(...formatTree(child.supervisor, `${indent}    `));
  }
  return lines;
}

function formatLabels(labels: Readonly<Record<string, string>> | undefined): string {
  if (!labels || Object.keys(labels).length === 0) return '';
  return `{${Object.entries(labels)
    .map(([k, v]) => `${k}="${v}"`)
    .join(',')}}`;
}
