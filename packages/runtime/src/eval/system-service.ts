/**
 * The "system" service every node offers over distribution: what the release launcher's rpc,
 * remote, stop, restart and pid commands call.
 */
import { randomUUID } from 'node:crypto';
import { registerService } from '../distribution/services.js';
import { stopAndExit } from '../node-lifecycle.js';
import * as System from '../system.js';
import { MAX_RPC_RESULT_BYTES } from './eval-limits.js';
import { Evaluator, evaluateOnce } from './evaluator.js';

export const SYSTEM_SERVICE = 'system';
const SESSION_IDLE_MS = 30 * 60 * 1000;

export function registerSystemService(scope: Readonly<Record<string, unknown>>): void {
  const sessions = new Map<string, { evaluator: Evaluator; timer: NodeJS.Timeout }>();
  const touch = (id: string) => {
    const session = sessions.get(id);
    if (!session) return undefined;
    session.timer.refresh();
    return session;
  };
  const close = (id: string) => {
    const session = sessions.get(id);
    if (!session) return;
    clearTimeout(session.timer);
    session.evaluator.close();
    sessions.delete(id);
  };
  registerService(SYSTEM_SERVICE, {
    pid: () => process.pid,
    // bindings: rpc's extra arguments as `argv` and its --stdin value as `input` (SPEC §10);
    // options: rpc's --timeout (older launchers send none: no limit).
    eval: (code: string, bindings?: Readonly<Record<string, unknown>>, options?: { timeoutMs?: unknown }) =>
      evaluateOnce(code, bindings ? { ...scope, ...bindings } : scope, { timeoutMs: validTimeout(options?.timeoutMs), maxResultBytes: MAX_RPC_RESULT_BYTES }),
    stop: () => {
      void stopAndExit(0, 'stop requested (bin/<name> stop)');
      return process.pid;
    },
    restart: () => System.restart(),
    openSession: () => {
      const id = randomUUID();
      const timer = setTimeout(() => close(id), SESSION_IDLE_MS);
      timer.unref();
      sessions.set(id, { evaluator: new Evaluator(scope, MAX_RPC_RESULT_BYTES), timer });
      return id;
    },
    evalInSession: (id: string, code: string) => {
      const session = touch(id);
      if (!session) throw new Error('this remote session has ended; run remote again');
      return session.evaluator.evaluate(code);
    },
    closeSession: (id: string) => close(id),
  });
}

/** A timeout from the wire: whole milliseconds, at least 1, within what a timer takes; else none. */
function validTimeout(value: unknown): number | undefined {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) return undefined;
  return Math.min(Math.ceil(value), 2_147_483_647);
}
