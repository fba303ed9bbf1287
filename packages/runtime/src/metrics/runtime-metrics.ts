/**
 * The runtime's own Prometheus metrics, and the registered measures as metrics. Every value is read
 * at scrape time through a collect function: nothing runs between scrapes.
 */
import type { Counter, Gauge, Registry } from 'prom-client';
import type { ApplicationController } from '../application/controller.js';
import { Node } from '../distribution/node.js';
import { restartCounts } from '../supervision/restart-counts.js';
import { readSamples, registeredMeasures, type Measure } from './measures.js';

type PromClient = typeof import('prom-client');

export interface RuntimeMetricSources {
  readonly controller: ApplicationController;
  readonly release?: { readonly name: string; readonly version: string } | undefined;
}

export function defineRuntimeMetrics(client: PromClient, registry: Registry, sources: RuntimeMetricSources): void {
  new client.Gauge({
    name: 'kvrel_node_info',
    help: 'This node: its name, release and version (always 1)',
    labelNames: ['node', 'release', 'version'],
    registers: [registry],
    collect(this: Gauge) {
      this.reset();
      this.set({ node: Node.self(), release: sources.release?.name ?? '', version: sources.release?.version ?? '' }, 1);
    },
  });
  new client.Gauge({
    name: 'kvrel_application_up',
    help: 'Whether each loaded application is started (1) or not (0), with its start mode',
    labelNames: ['application', 'mode'],
    registers: [registry],
    collect(this: Gauge) {
      this.reset();
      for (const app of sources.controller.describe()) this.set({ application: app.name, mode: app.mode }, app.state === 'started' ? 1 : 0);
    },
  });
  new client.Counter({
    name: 'kvrel_supervisor_restarts_total',
    help: 'Children restarted by each supervisor since the node booted',
    labelNames: ['supervisor'],
    registers: [registry],
    collect(this: Counter) {
      this.reset();
      for (const [supervisor, count] of restartCounts()) this.inc({ supervisor }, count);
    },
  });
  new client.Gauge({
    name: 'kvrel_distribution_links',
    help: 'Other nodes this node is connected to (hidden rpc clients excluded)',
    registers: [registry],
    collect(this: Gauge) {
      this.set(Node.list().length);
    },
  });
}

/**
 * Keeps one prom-client metric per registered measure: call before each scrape, as applications
 * register and unregister measures when they start and stop.
 */
export function measureMetrics(client: PromClient, registry: Registry): () => void {
  const shown = new Map<string, Measure>();
  return () => {
    const current = new Map(registeredMeasures().map((m) => [m.name, m]));
    for (const [name, measure] of shown) {
      if (current.get(name) !== measure) {
        registry.removeSingleMetric(name);
        shown.delete(name);
      }
    }
    for (const [name, measure] of current) {
      if (shown.has(name)) continue;
      const options = { name, help: measure.help, labelNames: [...(measure.labelNames ?? [])], registers: [registry] };
      if (measure.type === 'counter') {
        new client.Counter({
          ...options,
          collect(this: Counter) {
            this.reset();
            for (const { labels, value } of readSamples(measure)) this.inc(labels ?? {}, value);
          },
        });
      } else {
        new client.Gauge({
          ...options,
          collect(this: Gauge) {
            this.reset();
            for (const { labels, value } of readSamples(measure)) this.set(labels ?? {}, value);
          },
        });
      }
      shown.set(name, measure);
    }
  };
}
