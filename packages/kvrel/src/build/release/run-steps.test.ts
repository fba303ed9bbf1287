import { describe, expect, it } from 'vitest';
import { recordingReporter } from '../reporter.js';
import type { Release } from './release.js';
import { runSteps, type ReleaseStep } from './run-steps.js';

const release = { name: 'foo', version: '0.1.0', path: '/tmp/rel/foo', tar: false } as Release;

describe('runSteps', () => {
  it('hands each step the release the previous one returned and reports each with its summary', async () => {
    const reporter = recordingReporter();
    const steps: ReleaseStep[] = [
      { title: 'first', run: async (r) => ({ ...r, launcherFile: '/b.cjs' }) },
      { title: 'second', run: async (r) => ({ ...r, vmArgs: [r.launcherFile!] }), summary: (r) => r.vmArgs?.join(' ') },
    ];
    const built = await runSteps(release, steps, reporter);
    expect(built.vmArgs).toEqual(['/b.cjs']);
    expect(reporter.lines).toEqual([expect.stringMatching(/^\* first in \d+ ms$/), expect.stringMatching(/^\* second \(\/b\.cjs\) in \d+ ms$/)]);
  });

  it('skips a step whose condition does not hold', async () => {
    const reporter = recordingReporter();
    await runSteps(
      release,
      [
        {
          title: 'tarball',
          when: (r) => r.tar,
          run: async () => {
            throw new Error('ran');
          },
        },
      ],
      reporter,
    );
    expect(reporter.lines).toEqual([]);
  });

  it('raises, naming the step, when a step returns something other than the release', async () => {
    const broken: ReleaseStep = { title: 'broken', run: async () => undefined as unknown as Release };
    await expect(runSteps(release, [broken], recordingReporter())).rejects.toThrow('release step "broken" must return the release it was given');
  });
});
