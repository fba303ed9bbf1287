/** Assembles a release in named steps, timing each and reporting it as it completes. */
import type { Reporter } from '../reporter.js';

export interface Step {
  readonly name: string;
  run(): Promise<string | void>;
}

export async function runSteps(steps: readonly Step[], reporter: Reporter): Promise<void> {
  for (const step of steps) {
    const started = performance.now();
    const detail = await step.run();
    const ms = Math.round(performance.now() - started);
    reporter.info(`* ${step.name}${detail ? ` (${detail})` : ''} in ${ms} ms`);
  }
}
