/**
 * @kvrel/runtime: what application authors use. Applications and their supervision trees, the
 * configuration files' helpers, Node and the services it calls, System, the logger, and CodedError
 * for the mistakes an application reports to its user (its code survives a failed start). kvrel itself
 * reaches the rest through `@kvrel/runtime/internal`.
 */
export { Application } from './application/application.js';
export { defineApplication } from './application/define-application.js';
export type { ApplicationSpec, RunningApplication, AppEnv } from './application/define-application.js';
export type { StartMode, ExitReason } from './application/start-mode.js';
export { Supervisor } from './supervision/supervisor.js';
export type { SupervisorOptions } from './supervision/supervisor.js';
export { exitSignal } from './supervision/child-spec.js';
export type { Child, ChildSpec, RestartType } from './supervision/child-spec.js';
export { defineConfig } from './config/define-config.js';
export type { AppConfig, ConfigContext, ConfigEnv, ConfigExport } from './config/define-config.js';
export { mergeConfig } from './config/merge-config.js';
export { Node } from './distribution/node.js';
export { registerService, unregisterService } from './distribution/services.js';
export type { Service, ServiceHandler } from './distribution/services.js';
export * as System from './system.js';
export { CodedError } from './coded-error.js';
export { createLogger } from './logger/logger.js';
export type { Logger, LogLevel } from './logger/logger.js';
// Operations (SPEC §10): measures for status/top/metrics, and what the status service returns.
export { registerMeasure } from './metrics/measures.js';
export type { Measure, MeasureSample, MeasureType } from './metrics/measures.js';
export type { NodeStatus } from './status/node-status.js';
export type { EventLoopFigures } from './status/event-loop-monitor.js';
export type { ApplicationSnapshot, ApplicationState } from './application/controller.js';
export type { SupervisorSnapshot } from './supervision/supervisor.js';
