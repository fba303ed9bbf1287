/** The hidden command kvrel runs once on each built executable, and what the node answers to it. */
export const PROBE_COMMAND = 'kvrel-probe';

/** What the build's probe reports: the executable runs, the node's code loads, its addons load. */
export interface ProbeReport {
  readonly name: string;
  readonly version: string;
  readonly node: string;
  readonly execArgv: readonly string[];
  /** Applications whose spec name differs from their package name. */
  readonly misnamed: ReadonlyArray<{ readonly packageName: string; readonly specName: string }>;
  /** Native addons (relative to lib/) that failed to load, with the reason. */
  readonly addonFailures: ReadonlyArray<{ readonly file: string; readonly reason: string }>;
}
