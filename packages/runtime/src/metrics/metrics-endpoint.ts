/**
 * The opt-in Prometheus endpoint: GET /metrics on kernel.metricsHost:port (metrics-settings.ts), with
 * Node's default process metrics, the runtime's and the applications' measures. prom-client is
 * loaded only when the endpoint starts, so a node without metrics neither loads nor runs any of it.
 */
import { createServer, type Server } from 'node:http';
import { RuntimeError } from '../errors.js';
import { createLogger } from '../logger/logger.js';
import type { MetricsSettings } from './metrics-settings.js';
import { defineRuntimeMetrics, measureMetrics, type RuntimeMetricSources } from './runtime-metrics.js';

const log = createLogger('metrics');

export interface MetricsEndpoint {
  /** The port it listens on (the real one when configured as 0). */
  readonly port: number;
  stop(): Promise<void>;
}

/** Listens, or rejects naming the address and the setting to change. */
export async function startMetricsEndpoint(settings: MetricsSettings, sources: RuntimeMetricSources): Promise<MetricsEndpoint> {
  const client = await import('prom-client');
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry });
  defineRuntimeMetrics(client, registry, sources);
  const syncMeasures = measureMetrics(client, registry);

  const server: Server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    if (request.method !== 'GET' || path !== '/metrics') {
      response.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found: the metrics are at GET /metrics\n');
      return;
    }
    syncMeasures();
    registry.metrics().then(
      (text) => response.writeHead(200, { 'Content-Type': registry.contentType }).end(text),
      (error: unknown) => {
        log.error(`collecting metrics failed: ${error instanceof Error ? error.message : String(error)}`);
        response.writeHead(500, { 'Content-Type': 'text/plain' }).end('collecting metrics failed\n');
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(new RuntimeError({ code: 'RUNTIME_METRICS_LISTEN_FAILED', address: `${settings.host}:${settings.port}`, reason: error.code ?? error.message })),
    );
    server.listen(settings.port, settings.host, () => resolve());
  });
  const address = server.address();
  const port = address !== null && typeof address === 'object' ? address.port : settings.port;
  log.info(`serving Prometheus metrics at http://${settings.host.includes(':') ? `[${settings.host}]` : settings.host}:${port}/metrics`);
  return {
    port,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        registry.clear();
      }),
  };
}
