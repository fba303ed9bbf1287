/**
 * Boots a node: evaluates runtime configuration over build-time configuration, loads every
 * application's environment, starts distribution, then starts the applications per their modes.
 * Used by `kvrel run` (from source) and by a release's executable.
 */
import { ApplicationController } from './application/controller.js';
import { attachController } from './application/application.js';
import type { ApplicationDescriptor } from './application/define-application.js';
import { loadEnv } from './application/environment.js';
import type { StartMode } from './application/start-mode.js';
import type { AppConfig, ConfigEnv } from './config/define-config.js';
import { evaluateConfig } from './config/evaluate-config.js';
import { mergeConfig } from './config/merge-config.js';
import { NO_NODE, setTransport, type Transport } from './distribution/node.js';
import { deferredTransport } from './distribution/transport/deferred-transport.js';
import { createLogger, setLogLevel, type LogLevel } from './logger/logger.js';
import { attachNode, markBooted, stopAndExit } from './node-lifecycle.js';
import { installSignalHandlers } from './node-signals.js';
import { installCrashLog } from './crash-log.js';
import { watchBootCrashes } from './boot-crash-watch.js';
import { buildEvalScope } from './eval/eval-scope.js';
import { registerSystemService } from './eval/system-service.js';
import { startNodeOperations, type NodeOperations } from './status/node-operations.js';
import { tagClusterForks, workerModes } from './application/cluster-worker.js';

const log = createLogger('');

/** A configuration file evaluated at boot: config/runtime.ts, then each --config file. */
export interface BootConfigFile {
  readonly file: string;
  readonly exported: unknown;
}

export interface BootOptions {
  /** Every application this node carries. */
  readonly applications: readonly ApplicationDescriptor[];
  /** Applications to load and start, with their start modes; their dependencies join as permanent. */
  readonly modes: Readonly<Record<string, StartMode>>;
  readonly env: ConfigEnv;
  /** Build-time configuration, already evaluated. */
  readonly config: AppConfig;
  /** Evaluated at boot, in order, over `config` (later wins). */
  readonly runtimeConfig?: readonly BootConfigFile[];
  readonly release?: { readonly name: string; readonly version: string };
  /** This node's name when distribution is on (given to runtime configuration functions). */
  readonly nodeName?: string | undefined;
  /** Starts distribution once configuration is known; returns the transport (undefined: no distribution). */
  readonly startDistribution?: (() => Promise<Transport | undefined>) | undefined;
  /** false: load code and configuration only (eval, `kvrel run --no-start`). */
  readonly startApplications?: boolean;
  readonly installSignalHandlers?: boolean;
  readonly exit?: (status: number) => void;
}

export interface BootedNode {
  readonly controller: ApplicationController;
  readonly config: AppConfig;
  /** Stops applications and distribution (no exit). */
  shutdown(): Promise<void>;
}

export async function boot(options: BootOptions): Promise<BootedNode> {
  let transport: Transport | undefined;
  const exit = options.exit ?? ((status: number) => process.exit(status));
  const controller = new ApplicationController(options.applications, {
    onStopNode: (reason) => {
      log.error(`stopping node: ${reason}`);
      void stopAndExit(1, reason);
    },
  });

  const layers: AppConfig[] = [options.config];
  const context = { env: options.env, release: options.release, node: options.nodeName ?? NO_NODE };
  for (const { file, exported } of options.runtimeConfig ?? []) layers.push(await evaluateConfig(exported, context, file));
  const config = mergeConfig<AppConfig>(...layers);
  applyLoggerConfig(config);

  // A cluster worker starts the application that forked it; the primary tags its forks.
  controller.load(workerModes(options.applications, options.modes), config);
  tagClusterForks();
  // Configuration for applications this node does not carry still lands in the env (as OTP does).
  for (const [app, entries] of Object.entries(config)) {
    if (!options.applications.some((d) => d.spec.name === app)) loadEnv(app, undefined, entries);
  }

  let distributionUp: Promise<void> = Promise.resolve();
  let operations: NodeOperations | undefined;
  const shutdown = async () => {
    await operations?.stop();
    await controller.stopAll();
    await distributionUp.catch(() => {}); // a transport still starting is stopped once it is up
    await transport?.stop();
    setTransport(undefined);
  };
  attachController(controller);
  registerSystemService(buildEvalScope(options.applications));
  attachNode({
    shutdown,
    restartApplications: async () => {
      await controller.stopAll();
      await controller.startAll();
    },
    exit,
  });
  if (options.installSignalHandlers ?? true) {
    installSignalHandlers();
    installCrashLog();
  }

  // Distribution starts alongside the applications (it waits on the port mapper): Node.self() is
  // right from the start and calls to other nodes wait for it, so the node accepts clients sooner.
  // Listeners serve nothing before the boot is complete (System.bootPending), so a node whose
  // distribution fails (name in use) exits having run no client's command.
  if (options.startDistribution) {
    const starting = options.startDistribution();
    starting.catch(() => {}); // handled below, once the applications have started
    if (options.nodeName) setTransport(deferredTransport(options.nodeName, starting));
    distributionUp = starting.then((started) => {
      transport = started;
      setTransport(started);
    });
  }
  const watch = watchBootCrashes();
  try {
    // Status service and metrics endpoint (SPEC §10) before the applications start; readiness after.
    operations = await startNodeOperations({ controller, config, release: options.release, serving: options.startApplications ?? true });
    if (options.startApplications ?? true) await Promise.race([controller.startAll(), watch.crashed]);
    await Promise.race([distributionUp, watch.crashed]);
    // What an application's start set going fails in the next turns (an emitted 'error', a rejection).
    await Promise.race([new Promise((resolve) => setImmediate(resolve)), watch.crashed]);
    markBooted();
    void operations.ready();
  } catch (error) {
    await shutdown();
    throw error;
  } finally {
    watch.stop();
  }
  return { controller, config, shutdown };
}

function applyLoggerConfig(config: AppConfig): void {
  // KVREL_LOG_LEVEL, set for one run, wins over the configured level.
  if (process.env['KVREL_LOG_LEVEL']) return;
  const level = config['logger']?.['level'];
  if (level === 'debug' || level === 'info' || level === 'warning' || level === 'error' || level === 'none') setLogLevel(level as LogLevel | 'none');
}
