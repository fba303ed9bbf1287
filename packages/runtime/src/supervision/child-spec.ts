/**
 * A supervised part of an application (OTP's child spec). `start` resolves once the part is up;
 * its `exited` settles when the part ends on its own. Restart types follow OTP:
 * permanent — always restarted; transient — restarted only after an abnormal end; temporary — never.
 */
import type { ExitReason } from '../application/start-mode.js';

export type RestartType = 'permanent' | 'transient' | 'temporary';

export interface Child {
  stop(): Promise<void>;
  readonly exited: Promise<ExitReason>;
}

export interface ChildSpec {
  readonly id: string;
  start(): Promise<Child> | Child;
  readonly restart?: RestartType;
}

export function shouldRestart(type: RestartType, reason: ExitReason): boolean {
  if (type === 'permanent') return true;
  if (type === 'transient') return reason !== 'normal';
  return false;
}

/** A deferred exit signal: what most children use to report that they ended. */
export function exitSignal(): { exited: Promise<ExitReason>; exit(reason: ExitReason): void } {
  let exit!: (reason: ExitReason) => void;
  let settled = false;
  const exited = new Promise<ExitReason>((resolve) => {
    exit = (reason) => {
      if (settled) return;
      settled = true;
      resolve(reason);
    };
  });
  return { exited, exit };
}
