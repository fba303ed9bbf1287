/**
 * OTP start modes and what an application's end means for the node (application_controller's rules):
 * permanent — any end stops the node; transient — only an abnormal end does; temporary — logged only.
 * load and none are never started, so they never end.
 */
import { RuntimeError } from '../errors.js';

export type StartMode = 'permanent' | 'transient' | 'temporary' | 'load' | 'none';
export const START_MODES: readonly StartMode[] = ['permanent', 'transient', 'temporary', 'load', 'none'];

/** Why an application's supervision tree ended: 'normal', or the error that ended it. */
export type ExitReason = 'normal' | Error;

export type ExitDecision = 'stop-node' | 'log';

export function isStartMode(value: unknown): value is StartMode {
  return typeof value === 'string' && (START_MODES as readonly string[]).includes(value);
}

export function validateStartMode(app: string, mode: unknown): StartMode {
  if (!isStartMode(mode)) throw new RuntimeError({ code: 'RUNTIME_BAD_START_MODE', app, mode });
  return mode;
}

export function isStarted(mode: StartMode): boolean {
  return mode === 'permanent' || mode === 'transient' || mode === 'temporary';
}

export function decideOnExit(mode: StartMode, reason: ExitReason): ExitDecision {
  if (mode === 'permanent') return 'stop-node';
  if (mode === 'transient') return reason === 'normal' ? 'log' : 'stop-node';
  return 'log';
}
