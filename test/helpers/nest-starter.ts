/**
 * The nest-starter fixture (test/fixtures/nest-starter): the project `npx @nestjs/cli new hello-nest
 * --skip-git --package-manager npm` generated, with its lockfile, plus what a user adds to release it
 * with kvrel (a `kvrel-app` workspace whose application boots the starter's AppModule, and
 * releases.config.ts). Installed once per test run beside the any-project fixture: `npm ci` from the
 * committed lockfile, then kvrel and @kvrel/runtime from the packed tarballs (`npm install --no-save`,
 * so the lockfile stays the generator's).
 */
import { execa } from 'execa';
import { cpSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { inject } from 'vitest';
import { userEnv } from './any-project.js';
import { repoRoot } from './repo.js';

export const NEST_STARTER_FIXTURE = join(repoRoot, 'test', 'fixtures', 'nest-starter');

const INSTALLED = '.nest-starter-installed';

/** The fixture, installed once per test run (packs kvrel first unless any-project already did). */
export async function nestStarter(): Promise<string> {
  const runDir = inject('anyProjectRunDir');
  const dir = join(runDir, 'nest-starter');
  const tarballDir = join(runDir, 'tarballs');
  if (!existsSync(join(dir, INSTALLED))) {
    if (tarballsIn(tarballDir).length < 2) {
      mkdirSync(tarballDir, { recursive: true });
      await npm(repoRoot, ['pack', '--workspace', 'kvrel', '--workspace', '@kvrel/runtime', '--pack-destination', tarballDir]);
    }
    cpSync(NEST_STARTER_FIXTURE, dir, { recursive: true });
    await npm(dir, ['ci', '--prefer-offline', '--no-audit', '--no-fund']);
    await npm(dir, ['install', '--no-save', '--prefer-offline', '--no-audit', '--no-fund', ...tarballsIn(tarballDir)]);
    writeFileSync(join(dir, INSTALLED), `${new Date().toISOString()}\n`);
  }
  return dir;
}

function tarballsIn(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.tgz'))
    .map((f) => join(dir, f));
}

async function npm(cwd: string, args: readonly string[]): Promise<void> {
  const result = await execa('npm', args, { cwd, env: userEnv(), extendEnv: false, reject: false, all: true });
  if (result.exitCode !== 0) throw new Error(`npm ${args.join(' ')} failed in ${cwd}:\n${result.all}`);
}
