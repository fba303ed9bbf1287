/**
 * @kvrel/runtime/internal: the public API plus what kvrel needs to build, boot and reach nodes
 * (boot, distribution, eval, the node's lifecycle, log sinks). Not for application code: these
 * may change with kvrel.
 */
export * from './index.js';
export { RuntimeError } from './errors.js';
export { isCodedError } from './coded-error.js';
export type { RuntimeErrorCode, RuntimeErrorData } from './errors.js';
export type { ApplicationDescriptor } from './application/define-application.js';
export { START_MODES, isStartMode } from './application/start-mode.js';
export { startOrder } from './application/start-order.js';
export type { HasDependencies } from './application/start-order.js';
export { boot } from './boot.js';
export type { BootConfigFile, BootOptions, BootedNode } from './boot.js';
export { keepRunning } from './node-lifecycle.js';
export { recordExits } from './exit-record.js';
export { pollUntil, withDeadline } from './deadline.js';
export type { PollOptions } from './deadline.js';
export { evaluateConfig } from './config/evaluate-config.js';
export { resolveConfigEnv } from './config/config-env.js';
export { setLogSink } from './logger/logger.js';
export { APPEND_NO_FOLLOW, RotatingLog } from './logger/rotating-log.js';
export { evaluateOnce } from './eval/evaluator.js';
export type { EvalOutcome } from './eval/evaluator.js';
export { buildEvalScope } from './eval/eval-scope.js';
export type { Transport } from './distribution/node.js';
export { resolveNodeName } from './distribution/node-name.js';
export type { DistributionMode, ResolvedNodeName } from './distribution/node-name.js';
export { DistributionError, peerAbsent, peerHangs } from './distribution/errors.js';
export type { DistributionErrorCode, DistributionErrorData } from './distribution/errors.js';
export { startDistribution, distributionOptionsFromEnv } from './distribution/transport/start-distribution.js';
export type { StartDistributionOptions } from './distribution/transport/start-distribution.js';
export { connectHidden } from './distribution/remote-call.js';
export { DIST_TLS_ENV, distTlsFromEnv, loadDistTls } from './distribution/dist-tls.js';
export type { DistTls } from './distribution/dist-tls.js';
export type { HiddenConnection } from './distribution/remote-call.js';
export { runPortMapperFromEnv } from './distribution/port-mapper/server.js';
export { setPortMapperSpawner } from './distribution/port-mapper/spawner.js';
export type { PortMapperSpawner, PortMapperSpawnRequest } from './distribution/port-mapper/spawner.js';
