/**
 * The any-project fixture (test/fixtures/any-project): a project nobody on this team wrote, installed
 * as a user installs kvrel. kvrel and @kvrel/runtime are packed from this repository (`npm pack`,
 * whose prepack builds them), the fixture is copied into a temp dir outside the repository, and
 * `npm install -D <both tarballs>` installs them with the fixture's own dependencies from the npm
 * registry (through the npm cache; better-sqlite3 compiles there).
 *
 * That costs minutes (the NAN addon), so it happens once per test run: the e2e global setup
 * (setup/any-project.ts) only reserves a folder for the run, and the first test file that asks
 * installs into it; later files find it installed. Files run one at a time, so no lock is needed.
 */
import { execa } from 'execa';
import { cpSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { inject } from 'vitest';
import { repoRoot } from './repo.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A temp folder for this run's installed fixture, removed when the run ends. */
    anyProjectRunDir: string;
  }
}

export const ANY_PROJECT_FIXTURE = join(repoRoot, 'test', 'fixtures', 'any-project');

export interface AnyProject {
  /** The installed project: run `npx kvrel ...` here. */
  readonly dir: string;
  /** The packed tarballs it was installed from. */
  readonly tarballs: readonly string[];
}

const INSTALLED = '.fixture-installed';

/** The fixture, installed once per test run (packs kvrel first). */
export function anyProject(): Promise<AnyProject> {
  return installedFixture('any-project');
}

/** A project of test/fixtures installed as a user installs kvrel, once per test run (kvrel packed once). */
export async function installedFixture(name: string): Promise<AnyProject> {
  const runDir = inject('anyProjectRunDir');
  const dir = join(runDir, name);
  const tarballDir = join(runDir, 'tarballs');
  if (!existsSync(join(dir, INSTALLED))) {
    if (tarballsIn(tarballDir).length === 0) {
      mkdirSync(tarballDir, { recursive: true });
      await npm(repoRoot, ['pack', '--workspace', 'kvrel', '--workspace', '@kvrel/runtime', '--pack-destination', tarballDir]);
    }
    cpSync(join(repoRoot, 'test', 'fixtures', name), dir, { recursive: true });
    // better-sqlite3 compiles here for the host's Node; -O0 changes nothing kvrel looks at and cuts
    // that compile from ~85 s to ~30 s of CPU.
    await npm(dir, ['install', '--save-dev', '--include=dev', '--prefer-offline', '--no-audit', '--no-fund', ...tarballsIn(tarballDir)], {
      CFLAGS: '-O0',
      CXXFLAGS: '-O0',
    });
    writeFileSync(join(dir, INSTALLED), `${new Date().toISOString()}\n`);
  }
  return { dir, tarballs: tarballsIn(tarballDir) };
}

function tarballsIn(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.tgz'))
    .map((f) => join(dir, f));
}

/** What vitest puts in the environment of its workers (import.meta.env): a user's shell has none of it. */
const RUNNER_ENV = /^(VITEST.*|NODE_ENV|MODE|DEV|PROD|SSR|BASE_URL|TEST|npm_.*)$/;

/**
 * The environment a user's shell would give a command in the fixture: the test runner's own variables
 * (VITEST makes kvrel pick the `test` config env) are unset, also for helpers that extend process.env.
 */
export function userEnv(extra: Record<string, string> = {}): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = {};
  for (const [key, value] of Object.entries(process.env)) env[key] = RUNNER_ENV.test(key) ? undefined : value;
  return { ...env, ...extra };
}

/** `kvrel <args>` from the project's node_modules, in its folder, as a user's shell runs it (never throws). */
export function kvrelIn(dir: string, args: readonly string[], timeoutMs: number) {
  return execa(join(dir, 'node_modules', '.bin', 'kvrel'), args, { cwd: dir, env: userEnv(), extendEnv: false, reject: false, all: true, timeout: timeoutMs });
}

async function npm(cwd: string, args: readonly string[], env: Record<string, string> = {}): Promise<void> {
  const result = await execa('npm', args, { cwd, env: userEnv(env), extendEnv: false, reject: false, all: true });
  if (result.exitCode !== 0) throw new Error(`npm ${args.join(' ')} failed in ${cwd}:\n${result.all}`);
}
