/**
 * Restarts per supervisor name since the node booted, for `status` and the metrics endpoint. Kept by
 * name rather than per Supervisor object, so the count survives an application's restart (a new
 * supervisor with the same name) and a Prometheus counter never goes backwards.
 */
const counts = new Map<string, number>();

export function noteRestart(supervisor: string): void {
  counts.set(supervisor, (counts.get(supervisor) ?? 0) + 1);
}

export function restartCount(supervisor: string): number {
  return counts.get(supervisor) ?? 0;
}

/** Every supervisor that restarted a child at least once: name → restarts. */
export function restartCounts(): ReadonlyMap<string, number> {
  return counts;
}
