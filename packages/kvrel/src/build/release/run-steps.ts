/**
 * Assembles a release in named steps (Mix's run_steps/1): each step takes the release and returns it
 * with its facts added; each is timed and reported as it completes, and what it returns is checked.
 */
import type { Reporter } from '../reporter.js';
import type { Release } from './release.js';

export interface ReleaseStep {
  /** What the progress line says, e.g. "bundling". */
  readonly title: string;
  /** Runs only when this says so (e.g. the tarball, with --tar); default always. */
  readonly when?: (release: Release) => boolean;
  readonly run: (release: Release, reporter: Reporter) => Promise<Release>;
  /** The detail shown in parentheses after the step, from the release it returned. */
  readonly summary?: (release: Release) => string | undefined;
}

export async function runSteps(release: Release, steps: readonly ReleaseStep[], reporter: Reporter): Promise<Release> {
  let current = release;
  for (const step of steps) {
    if (step.when && !step.when(current)) continue;
    const started = performance.now();
    const next = await step.run(current, reporter);
    if (!isSameRelease(next, current)) {
      throw new Error(
        `release step "${step.title}" must return the release it was given (with its facts added), got ` +
          `${typeof next === 'object' ? JSON.stringify(next)?.slice(0, 80) : String(next)}`,
      );
    }
    current = next;
    const ms = Math.round(performance.now() - started);
    const detail = step.summary?.(current);
    reporter.info(`* ${step.title}${detail ? ` (${detail})` : ''} in ${ms} ms`);
  }
  return current;
}

function isSameRelease(value: unknown, release: Release): value is Release {
  if (value === null || typeof value !== 'object') return false;
  const candidate = value as Partial<Release>;
  return candidate.name === release.name && candidate.version === release.version && candidate.path === release.path;
}
