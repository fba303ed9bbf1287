/** A release's target, from its definition or --target: one kvrel builds for, else a one-line refusal listing them. */
import { describeTargets, isTarget, type Target } from '../sea/targets.js';
import { UserError } from '../../shared/user-error.js';

export function checkTarget(value: unknown, where: string): Target {
  if (typeof value === 'string' && isTarget(value)) return value;
  throw new UserError(
    'KVREL_UNKNOWN_TARGET',
    `${where}: target ${JSON.stringify(value) ?? String(value)} is not one kvrel builds for; use one of ${describeTargets()}`,
  );
}
