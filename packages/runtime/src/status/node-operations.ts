/**
 * What a booting node offers its operators (SPEC §10): the status service, the metrics endpoint when
 * configured, and readiness for systemd once the boot is complete. boot.ts starts it; a node that
 * only evaluates (eval, --no-start) gets the status service alone.
 */
import type { ApplicationController } from '../application/controller.js';
import type { AppConfig } from '../config/define-config.js';
import { Node } from '../distribution/node.js';
import { startMetricsEndpoint, type MetricsEndpoint } from '../metrics/metrics-endpoint.js';
import { resolveMetricsSettings } from '../metrics/metrics-settings.js';
import { registerStatusService } from './status-service.js';
import { notifySystemdReady } from './systemd-notify.js';

export interface NodeOperationsOptions {
  readonly controller: ApplicationController;
  readonly config: AppConfig;
  readonly release?: { readonly name: string; readonly version: string } | undefined;
  /** false for a node that starts no applications: no metrics endpoint, no readiness. */
  readonly serving: boolean;
}

export interface NodeOperations {
  /** Tells systemd the node is ready (when it runs as a Type=notify service). */
  ready(): Promise<void>;
  stop(): Promise<void>;
}

export async function startNodeOperations(options: NodeOperationsOptions): Promise<NodeOperations> {
  const stopStatus = registerStatusService({ controller: options.controller, release: options.release });
  let metrics: MetricsEndpoint | undefined;
  try {
    const settings = options.serving ? resolveMetricsSettings(process.env, options.config) : undefined;
    if (settings) metrics = await startMetricsEndpoint(settings, { controller: options.controller, release: options.release });
  } catch (error) {
    stopStatus();
    throw error;
  }
  return {
    ready: () => (options.serving ? notifySystemdReady(`${options.release?.name ?? 'node'} started on ${Node.self()}`) : Promise.resolve()),
    async stop() {
      stopStatus();
      await metrics?.stop();
    },
  };
}
