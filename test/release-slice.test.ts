/**
 * Issue 16: a release's executable carries its node's code (an SEA asset), loaded only when a node
 * boots. test/fixtures/evaluation-marker has one application whose module appends a line to
 * $MARKER_FILE when evaluated: client commands against a running node never evaluate it, `start`
 * does once. And warm builds: a one-line change rebuilds the bundle and replaces the node's code in
 * the executable (its blob, not the whole binary), none reuses both.
 */
import { execa } from 'execa';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startPortMapper } from './helpers/port-mapper.js';
import { alive, start, stopAll } from './helpers/processes.js';
import { kvrelBin, repoRoot } from './helpers/repo.js';
import { waitFor } from './helpers/wait-for.js';

const BUILD_TIMEOUT = 240_000;

let dir: string;
let project: string;
const release = () => join(dir, 'marker-release');
const bin = () => join(release(), 'bin', 'marker');
const executable = () => join(release(), 'releases', '1.0.0', 'marker');
const build = () => execa(process.execPath, [kvrelBin, 'release', 'marker', '--path', release()], { cwd: project, all: true });

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kvrel-slice-'));
  project = join(dir, 'project');
  cpSync(join(repoRoot, 'test', 'fixtures', 'evaluation-marker'), project, { recursive: true });
  // kvrel and the runtime from this repository, as workspaces link them.
  mkdirSync(join(project, 'node_modules', '@kvrel'), { recursive: true });
  symlinkSync(join(repoRoot, 'packages', 'kvrel'), join(project, 'node_modules', 'kvrel'));
  symlinkSync(join(repoRoot, 'packages', 'runtime'), join(project, 'node_modules', '@kvrel', 'runtime'));
  symlinkSync(join(project, 'apps', 'marker'), join(project, 'node_modules', 'marker'));
  await build();
}, BUILD_TIMEOUT);

afterEach(async () => {
  await stopAll();
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const lines = (file: string) => (existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n') : []);

describe("the node's code inside the executable", () => {
  it('client commands against a running node never evaluate the applications; start does once', async () => {
    const marker = join(dir, 'evaluated.txt');
    const env = {
      MARKER_FILE: marker,
      KVREL_PORT_MAPPER_PORT: String(await startPortMapper()),
      RELEASE_DISTRIBUTION: 'name',
      RELEASE_NODE: 'marker@127.0.0.1',
    };
    const node = start(bin(), ['start'], { env });
    await waitFor(() => node.output().includes(' started on '), { what: 'marker to start', details: () => node.output() });
    expect(lines(marker)).toEqual([`evaluated by ${node.pid}`]);
    const run = (command: string) => execa(bin(), [command], { env, reject: false });
    expect((await run('pid')).stdout).toBe(String(node.pid));
    expect(await run('ping')).toMatchObject({ exitCode: 0, stdout: 'pong' });
    expect((await run('status')).exitCode).toBe(0);
    expect((await run('stop')).exitCode).toBe(0);
    expect(alive(node.pid)).toBe(false);
    expect(lines(marker)).toEqual([`evaluated by ${node.pid}`]);
    expect(existsSync(join(release(), 'releases', '1.0.0', 'lib', 'node.mjs'))).toBe(false);
  });

  it("a build with nothing changed reuses everything; a one-line change rebuilds the bundle and replaces the executable's blob", async () => {
    const before = statSync(executable()).mtimeMs;
    const again = await build();
    expect(again.all).toMatch(/\* bundling \(marker permanent, unchanged\)/);
    expect(again.all).toMatch(/\* building the executable \(Node v[\d.]+, unchanged, reused\)/);
    expect(statSync(executable()).mtimeMs).toBe(before);

    const source = join(project, 'apps', 'marker', 'src', 'application.ts');
    writeFileSync(source, readFileSync(source, 'utf8').replace('`evaluated by ${process.pid}', '`evaluated anew by ${process.pid}'));
    const changed = await build();
    expect(changed.all).toMatch(/\* bundling \(marker permanent\)/);
    expect(changed.all).toMatch(/\* building the executable \(Node v[\d.]+, node's code replaced\)/);
    expect(readFileSync(executable()).includes('evaluated anew by')).toBe(true);
    const marker = join(dir, 'evaluated-anew.txt');
    const evaluated = await execa(bin(), ['eval', 'process.pid'], { env: { MARKER_FILE: marker, RELEASE_DISTRIBUTION: 'none' } });
    expect(lines(marker)).toEqual([`evaluated anew by ${evaluated.stdout}`]);
  });
});
