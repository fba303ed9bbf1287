import * as client from 'prom-client';
import { describe, expect, it } from 'vitest';
import { ApplicationController } from '../application/controller.js';
import { setLogSink } from '../logger/logger.js';
import { noteRestart } from '../supervision/restart-counts.js';
import { registerMeasure } from './measures.js';
import { defineRuntimeMetrics, measureMetrics } from './runtime-metrics.js';

setLogSink(() => {});

describe('runtime metrics', () => {
  it('shows applications up, restarts, links and the registered measures, read at scrape time', async () => {
    const controller = new ApplicationController(
      [
        { version: '1.0.0', dependencies: [], spec: { name: 'up-app' } },
        { version: '1.0.0', dependencies: [], spec: { name: 'loaded-app' } },
      ],
      { onStopNode: () => {} },
    );
    controller.load({ 'up-app': 'permanent', 'loaded-app': 'load' }, {});
    await controller.startAll();
    const registry = new client.Registry();
    defineRuntimeMetrics(client, registry, { controller, release: { name: 'foo', version: '0.0.1' } });
    const sync = measureMetrics(client, registry);
    let ops = 3;
    const unregister = registerMeasure({
      name: 'test_app_operations_total',
      help: 'ops',
      type: 'counter',
      labelNames: ['command'],
      read: () => [{ labels: { command: 'get' }, value: ops }],
    });
    noteRestart('metrics-test-sup');
    sync();
    const first = await registry.metrics();
    expect(first).toContain('kvrel_node_info{node="nonode@nohost",release="foo",version="0.0.1"} 1');
    expect(first).toContain('kvrel_application_up{application="up-app",mode="permanent"} 1');
    expect(first).toContain('kvrel_application_up{application="loaded-app",mode="load"} 0');
    expect(first).toContain('kvrel_supervisor_restarts_total{supervisor="metrics-test-sup"} 1');
    expect(first).toContain('kvrel_distribution_links 0');
    expect(first).toContain('# TYPE test_app_operations_total counter');
    expect(first).toContain('test_app_operations_total{command="get"} 3');
    ops = 10;
    noteRestart('metrics-test-sup');
    sync();
    const second = await registry.metrics();
    expect(second).toContain('test_app_operations_total{command="get"} 10');
    expect(second).toContain('kvrel_supervisor_restarts_total{supervisor="metrics-test-sup"} 2');
    unregister();
    sync();
    expect(await registry.metrics()).not.toContain('test_app_operations_total');
  });
});
