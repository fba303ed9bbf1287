/** `kvrel init` on a real project folder, through the built CLI. */
import { execa } from 'execa';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { kvrelBin } from './helpers/repo.js';

let project: string;
beforeEach(() => {
  project = mkdtempSync(join(tmpdir(), 'kvrel-init-'));
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'p', private: true, workspaces: [] }));
});
afterEach(() => rmSync(project, { recursive: true, force: true }));

const kvrel = (...args: string[]) => execa(process.execPath, [kvrelBin, ...args], { cwd: project, reject: false });

describe('kvrel init', () => {
  it('writes the three templates, with env.sh distribution lines commented out', async () => {
    const result = await kvrel('init');
    expect(result.exitCode).toBe(0);
    expect(result.stdout.split('\n')).toEqual(['* creating rel/env.sh.eex', '* creating rel/vm.args.eex', '* creating rel/remote.vm.args.eex']);
    const envSh = readFileSync(join(project, 'rel', 'env.sh.eex'), 'utf8');
    expect(envSh).toContain('# export RELEASE_DISTRIBUTION=name');
    expect(envSh).toContain('# export RELEASE_NODE=<%= release.name %>@127.0.0.1');
  });

  it('never overwrites without --force', async () => {
    await kvrel('init');
    writeFileSync(join(project, 'rel', 'vm.args.eex'), 'mine\n');
    const again = await kvrel('init');
    expect(again.exitCode).toBe(1);
    expect(again.stderr.trim()).toBe('error: rel/env.sh.eex already exists; pass --force to overwrite');
    expect(readFileSync(join(project, 'rel', 'vm.args.eex'), 'utf8')).toBe('mine\n');
    expect((await kvrel('init', '--force')).exitCode).toBe(0);
    expect(readFileSync(join(project, 'rel', 'vm.args.eex'), 'utf8')).toContain('--max-old-space-size');
  });
});
