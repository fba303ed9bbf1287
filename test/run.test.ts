/**
 * `kvrel run` configuration from the command line (SPEC §4): --config files apply after
 * config/runtime.ts in the order given, and a bad config file is one line naming it, exit 1.
 */
import { execa } from 'execa';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { resolveConfigEnv } from '@kvrel/runtime/internal';
import { KvClient } from './helpers/kv-client.js';
import { alive, start, stopAll } from './helpers/processes.js';
import { kvrelBin, repoRoot } from './helpers/repo.js';
import { servingPort } from './helpers/serving-port.js';
import { waitFor } from './helpers/wait-for.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'kvrel-run-config-'));
});
afterEach(async () => {
  await stopAll();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function configFile(name: string, source: string): string {
  const file = join(dir, name);
  writeFileSync(file, source);
  return file;
}

describe('kvrel run --config', () => {
  it('applies each --config after config/runtime.ts, later wins, objects merged deeply', async () => {
    // Ports 1 and 2 (PORT, then a.ts) would each win as themselves (or fail to bind); b.ts's 0 wins
    // as a port the OS picks, never 1 or 2.
    const a = configFile('a.ts', `export default { 'kv-server': { port: 2, maxLineBytes: 24 } };`);
    const b = configFile(
      'b.ts',
      `export default async ({ env }: { env: string }) => ({ 'kv-server': { port: 0 }, kv: { routingTable: [{ from: 'a', to: 'z', node: ` +
        `'nonode@nohost' }], seenEnv: env } });`,
    );
    // PORT would win over the repo's defaults through config/runtime.ts; --config files win over it.
    const node = start(process.execPath, [kvrelBin, 'run', '--config', a, '--config', b], { cwd: repoRoot, env: { PORT: '1' } });
    const port = await waitFor(() => servingPort(node.output()), { what: 'the port of the last --config', details: () => node.output() });
    expect(port).toBeGreaterThan(2);
    const client = await KvClient.connect(port);
    expect(await client.command('CREATE shopping')).toEqual(['OK']);
    // maxLineBytes from a.ts survived b.ts's merge: a line over 24 bytes is refused.
    expect(await client.command('PUT shopping milk 12345678901')).toEqual(['ERROR line too long']);
    client.close();
  });

  it('reports a config file that throws with its name and reason, exit 1, no stack', async () => {
    const bad = configFile('throws.ts', `export default () => { throw new Error('DATABASE_URL is not set'); };`);
    const result = await execa(process.execPath, [kvrelBin, 'run', '--config', bad], { cwd: repoRoot, reject: false });
    expect(result.exitCode).toBe(1);
    expect(result.stderr.trim()).toBe(`error: ${bad}: threw DATABASE_URL is not set`);
  });

  it('reports a config file of the wrong shape', async () => {
    const bad = configFile('shape.ts', `export default { kv: 42 };`);
    const result = await execa(process.execPath, [kvrelBin, 'run', '--config', bad], { cwd: repoRoot, reject: false });
    expect(result.exitCode).toBe(1);
    expect(result.stderr.trim()).toBe(`error: ${bad}: configuration for application "kv" must be an object of keys, got number 42`);
  });

  it('refuses to boot with a routing table that cannot work, naming the entry', async () => {
    const bad = configFile('table.ts', `export default { kv: { routingTable: [{ from: 'a', to: 'z' }] } };`);
    const result = await execa(process.execPath, [kvrelBin, 'run', '--config', bad], { cwd: repoRoot, reject: false, env: { PORT: '0' } });
    expect(result.exitCode).toBe(1);
    expect(result.stderr.trim()).toBe(
      'error: application "kv" failed to start: kv.routingTable[0].node must be a node name such as "foo@127.0.0.1", got undefined',
    );
  });

  it('refuses --sname together with --name', async () => {
    const result = await execa(process.execPath, [kvrelBin, 'run', '--sname', 'a', '--name', 'b@127.0.0.1'], { cwd: repoRoot, reject: false });
    expect([result.exitCode, result.stderr.trim()]).toEqual([1, 'error: kvrel run takes --sname or --name, not both']);
  });
});

describe('kvrel run on the embedded Node', () => {
  /** The node's pid and Node version from its "started on" line. */
  const startedLine = (output: string) => {
    const match = /started on nonode@nohost \(pid (\d+), Node (v[\d.]+)\)/.exec(output);
    return match ? { pid: Number(match[1]), version: match[2]! } : undefined;
  };

  it('boots the node on the embedded Node 26, which has node:sqlite, while kvrel runs on the host Node', async () => {
    // Runtime configuration is evaluated by the node at boot: this file runs on the node's Node.
    const sqlite = configFile(
      'sqlite.ts',
      `import { DatabaseSync } from 'node:sqlite';
export default () => {
  const row = new DatabaseSync(':memory:').prepare('select 40 + 2 as answer').get() as { answer: number };
  console.log(\`sqlite answered \${row.answer} on Node \${process.version}, main \${process.argv[1]}\`);
  return {};
};`,
    );
    const cli = start(process.execPath, [kvrelBin, 'run', '--config', sqlite], { cwd: repoRoot, env: { PORT: '0' } });
    const node = await waitFor(() => startedLine(cli.output()), { what: 'the node to start', details: () => cli.output() });
    expect(node).toEqual({ pid: expect.any(Number), version: 'v26.12.1' });
    expect(node.pid).not.toBe(cli.pid);
    expect(process.version).not.toBe('v26.12.1');
    // process.argv[1] is the run folder's main script, so cluster.fork() reruns it as under plain node.
    const main = /sqlite answered 42 on Node v26\.12\.1, main (\S+)/.exec(cli.output())?.[1];
    const runFolder = join(repoRoot, '_build', resolveConfigEnv('dev'), 'run', `node-${cli.pid}`);
    expect(main).toBe(join(runFolder, 'main.mjs'));
    // SIGTERM reaches the node through the CLI, which exits with the node's status and removes the folder.
    cli.process.kill('SIGTERM');
    expect(await cli.exit).toEqual({ code: 0, signal: undefined });
    expect(cli.output()).toContain('SIGTERM received, stopping');
    expect(alive(node.pid)).toBe(false);
    expect(existsSync(runFolder)).toBe(false);
  });

  it('runs on the host Node with --host-node, and the node goes when the CLI is killed outright', async () => {
    const cli = start(process.execPath, [kvrelBin, 'run', '--host-node'], { cwd: repoRoot, env: { PORT: '0' } });
    const node = await waitFor(() => startedLine(cli.output()), { what: 'the node to start', details: () => cli.output() });
    expect(node.version).toBe(process.version);
    cli.process.kill('SIGKILL');
    await cli.exit;
    await waitFor(() => !alive(node.pid), { what: 'the node to exit after its CLI was killed' });
  });
});
