/**
 * Restart intensity, as supervisor.erl's add_restart: keep the restarts that fall inside the period;
 * more than `intensity` of them means the supervisor gives up. Pure: the clock is passed in.
 */
export interface RestartIntensity {
  /** How many restarts are allowed inside the period (OTP's MaxR). Default 3. */
  readonly intensity: number;
  /** The sliding window, in milliseconds (OTP's MaxT). Default 5000. */
  readonly periodMs: number;
}

export const DEFAULT_RESTART_INTENSITY: RestartIntensity = { intensity: 3, periodMs: 5000 };

export type RestartVerdict =
  | { readonly exceeded: false; readonly restarts: readonly number[] }
  | { readonly exceeded: true; readonly restarts: readonly number[] };

export function addRestart(restarts: readonly number[], now: number, limits: RestartIntensity = DEFAULT_RESTART_INTENSITY): RestartVerdict {
  const recent = restarts.filter((at) => now - at < limits.periodMs);
  recent.push(now);
  return { exceeded: recent.length > limits.intensity, restarts: recent };
}
