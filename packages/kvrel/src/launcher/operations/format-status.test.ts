import type { NodeStatus } from '@kvrel/runtime';
import { describe, expect, it } from 'vitest';
import { formatHealth, formatStatus } from './format-status.js';
import { formatTopFrame, operationsRate } from './top-frame.js';
import { useColor } from './top-command.js';

const sampleStatus: NodeStatus = {
  node: 'foo@127.0.0.1',
  pid: 4242,
  release: { name: 'foo', version: '0.0.1' },
  nodeVersion: 'v24.21.0',
  platform: 'linux-x64',
  uptimeSeconds: 3723.4,
  applications: [
    { name: 'kv', version: '0.1.0', mode: 'permanent', state: 'started' },
    {
      name: 'kv-server',
      version: '0.1.0',
      mode: 'permanent',
      state: 'started',
      supervisor: { name: 'kv-server', restarts: 2, children: [{ id: 'listener', running: true }] },
    },
  ],
  restarts: { 'kv-server': 2 },
  memory: { rss: 50 * 1024 * 1024, heapUsed: 9.5 * 1024 * 1024, heapTotal: 12 * 1024 * 1024, external: 2048 },
  eventLoop: { delayMs: { mean: 0.1, p50: 0.05, p99: 1.25, max: 12.5 }, utilization: 0.0234, windowMs: 10_000 },
  connections: 3,
  operations: 1000,
  nodes: ['bar@127.0.0.1'],
  measures: [
    { name: 'kv_keys', value: 10 },
    { name: 'kv_operations_total', labels: { command: 'get', route: 'local' }, value: 990 },
  ],
};

describe('formatStatus', () => {
  it('shows identity, figures, applications with their supervision tree, and measures', () => {
    expect(formatStatus(sampleStatus)).toBe(
      [
        'foo@127.0.0.1: ok',
        'pid          4242',
        'release      foo 0.0.1',
        'node.js      v24.21.0 on linux-x64',
        'uptime       1h 02m 03s',
        'memory       rss 50.0 MiB · heap 9.5 MiB of 12.0 MiB · external 2.0 KiB',
        'event loop   delay p50 0.05 ms · p99 1.25 ms · max 12.5 ms · utilisation 2.3% (last 10.0 s)',
        'connections  3',
        'nodes        bar@127.0.0.1',
        'restarts     kv-server 2',
        'applications',
        '  kv         0.1.0     permanent  started',
        '  kv-server  0.1.0     permanent  started',
        '    supervisor kv-server (2 restarts)',
        '      listener: running',
        'measures',
        '  kv_keys 10',
        '  kv_operations_total{command="get",route="local"} 990',
        '',
      ].join('\n'),
    );
  });

  it('names the permanent applications that are not started', () => {
    const degraded = {
      ...sampleStatus,
      applications: [
        { ...sampleStatus.applications[0]!, state: 'failed' as const },
        { ...sampleStatus.applications[1]!, state: 'stopped' as const },
      ],
    };
    expect(formatHealth(degraded)).toBe('foo@127.0.0.1: permanent application kv is failed, kv-server is stopped');
  });
});

describe('formatTopFrame', () => {
  it('shows the figures, ops/s and the application tree, coloured only when asked', () => {
    const plain = formatTopFrame(sampleStatus, { color: false, opsPerSecond: 12345.6 });
    expect(plain).toBe(
      [
        'foo@127.0.0.1 · foo 0.0.1 · pid 4242 · Node v24.21.0 · up 1h 02m 03s',
        'ops/s 12,346   connections 3   nodes bar@127.0.0.1',
        'memory rss 50.0 MiB · heap 9.5 MiB of 12.0 MiB',
        'event loop delay p99 1.25 ms · max 12.5 ms · utilisation 2.3%',
        '',
        'APPLICATION  VERSION   MODE       STATE',
        'kv           0.1.0     permanent  started',
        'kv-server    0.1.0     permanent  started',
        '  └ supervisor kv-server 2 restarts',
        '    └ listener running',
        '',
      ].join('\n'),
    );
    expect(formatTopFrame(sampleStatus, { color: true })).toContain('\x1b[32mstarted\x1b[0m');
    expect(formatTopFrame(sampleStatus, { color: false })).toContain('ops/s -');
  });

  it('turns two readings into operations per second, never negative', () => {
    expect(operationsRate({ operations: 100, at: 0 }, { operations: 600, at: 500 })).toBe(1000);
    expect(operationsRate({ operations: 600, at: 0 }, { operations: 10, at: 1000 })).toBe(0);
  });

  it('uses colour on a terminal unless NO_COLOR is set to something', () => {
    expect(useColor({}, true)).toBe(true);
    expect(useColor({ NO_COLOR: '1' }, true)).toBe(false);
    expect(useColor({ NO_COLOR: '' }, true)).toBe(true);
    expect(useColor({}, false)).toBe(false);
  });
});
