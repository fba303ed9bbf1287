/**
 * The setup of the test files that drive a private copy of release foo as foo@127.0.0.1 (distribution
 * on): the copy, made once per file and removed after it; a port mapper of each test's own, and
 * kv-server on a free port (or on one the OS picks, read from the node's log); every process a test
 * started stopped after it.
 */
import { execa } from 'execa';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { freePort } from './free-port.js';
import { startPortMapper } from './port-mapper.js';
import { start, stopAll, type Started } from './processes.js';
import { copyRelease, removeReleaseCopies } from './releases.js';
import { waitFor } from './wait-for.js';

/** Call at the top level of a test file. `kvPort`: a free port in PORT, or 0 (the OS picks). */
export function fooCopyForThisFile(kvPort: 'free' | 'any') {
  let dir = '';
  let env: Record<string, string> = {};
  beforeAll(() => {
    dir = copyRelease('foo');
  });
  beforeEach(async () => {
    env = {
      PORT: kvPort === 'free' ? String(await freePort()) : '0',
      KVREL_PORT_MAPPER_PORT: String(await startPortMapper()),
      RELEASE_DISTRIBUTION: 'name',
      RELEASE_NODE: 'foo@127.0.0.1',
    };
  });
  afterEach(() => stopAll());
  afterAll(() => removeReleaseCopies());
  const bin = (release = dir) => join(release, 'bin', 'foo');
  return {
    /** The copy's folder. */
    get dir(): string {
      return dir;
    },
    /** The current test's PORT, KVREL_PORT_MAPPER_PORT, RELEASE_DISTRIBUTION and RELEASE_NODE. */
    get env(): Record<string, string> {
      return env;
    },
    bin,
    /** bin/foo with `args`, never rejecting: the result carries the exit code. */
    run: (args: string[], extra: Record<string, string> = {}, input?: string) =>
      execa(bin(), args, { env: { ...env, ...extra }, reject: false, ...(input !== undefined && { input }) }),
    /** bin/foo start, once the node is fully booted (" started on " logged). */
    async start(extra: Record<string, string> = {}): Promise<Started> {
      const node = start(bin(), ['start'], { env: { ...env, ...extra } });
      await waitFor(() => node.output().includes(' started on '), { what: 'foo to start', details: () => node.output() });
      return node;
    },
  };
}
