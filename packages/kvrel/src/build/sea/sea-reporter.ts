/**
 * What the SEA layer tells the user. Structurally a subset of kvrel's `Reporter`, so the release steps
 * can pass theirs; tests pass a recorder.
 */
export interface SeaReporter {
  info(message: string): void;
  warn(message: string): void;
}

export const silentReporter: SeaReporter = {
  info() {},
  warn() {},
};
