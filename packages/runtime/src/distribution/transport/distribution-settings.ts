/**
 * What every link of one node shares: resolved once (by startDistribution, or by a hidden client
 * before its dial) and passed down whole to the dial, the acceptor and each NodeConnection. The
 * defaults are written here and nowhere else.
 */
import type { AdmissionLimits } from '../admission/pending-admission.js';
import { invokeLocal } from '../services.js';
import { DEFAULT_MAX_FRAME_BYTES } from '../wire/frame.js';
import { createLogger, type Logger } from '../../logger/logger.js';

/** Runs an incoming call: service.fn(...args) on this node. */
export type Invoke = (service: string, fn: string, args: readonly unknown[]) => unknown;

export interface DistributionSettings {
  /** Deadline of a whole dial (lookup, connect, handshake) and of an incoming handshake. */
  readonly handshakeTimeoutMs: number;
  /** A dialing node sends its name as soon as it is connected; a connection silent this long is dropped. */
  readonly firstFrameTimeoutMs: number;
  /** The largest frame an authenticated link takes. */
  readonly maxFrameBytes: number;
  /** kernel.netTicktime in ms: a peer silent this long is declared down. */
  readonly netTicktimeMs: number;
  /** Bytes waiting for one peer past which calls to it fail at once (DIST_SEND_QUEUE_FULL). */
  readonly maxSendQueueBytes: number;
  /** Pending incoming handshakes per address and in all (the node's own rpc clients come from 127.0.0.1 too). */
  readonly handshakeLimits: AdmissionLimits;
  /** Runs incoming calls; default: this process's services (services.ts). */
  readonly invoke: Invoke;
  readonly logger: Logger;
}

export const DEFAULT_DISTRIBUTION_SETTINGS = {
  handshakeTimeoutMs: 5000,
  firstFrameTimeoutMs: 1000,
  maxFrameBytes: DEFAULT_MAX_FRAME_BYTES,
  netTicktimeMs: 60_000,
  maxSendQueueBytes: 8 * 1024 * 1024,
  handshakeLimits: { maxPerAddress: 32, maxTotal: 512 },
} as const satisfies Omit<DistributionSettings, 'invoke' | 'logger'>;

/** The settings given, each one left out taking its default. */
export function resolveDistributionSettings(given: Partial<DistributionSettings> = {}): DistributionSettings {
  const defaults = DEFAULT_DISTRIBUTION_SETTINGS;
  return Object.freeze({
    handshakeTimeoutMs: given.handshakeTimeoutMs ?? defaults.handshakeTimeoutMs,
    firstFrameTimeoutMs: given.firstFrameTimeoutMs ?? defaults.firstFrameTimeoutMs,
    maxFrameBytes: given.maxFrameBytes ?? defaults.maxFrameBytes,
    netTicktimeMs: given.netTicktimeMs ?? defaults.netTicktimeMs,
    maxSendQueueBytes: given.maxSendQueueBytes ?? defaults.maxSendQueueBytes,
    handshakeLimits: given.handshakeLimits ?? defaults.handshakeLimits,
    invoke: given.invoke ?? invokeLocal,
    logger: given.logger ?? createLogger('distribution'),
  });
}
