/**
 * The embedded runtime (SPEC §8): release foo on the default line, Node 26 (built once by the global
 * setup, with `node --build-sea`), and on the Node 24 line (`--node 24`, the same path as a release
 * definition's `node: '24'`, built here through postject) passes the same checks: it starts, serves the
 * kv protocol, and `rpc "process.version"` names the pinned patch.
 */
import { execa } from 'execa';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { KvClient } from './helpers/kv-client.js';
import { startPortMapper } from './helpers/port-mapper.js';
import { start, stopAll } from './helpers/processes.js';
import { copyRelease, removeReleaseCopies } from './helpers/releases.js';
import { kvrelBin, repoRoot } from './helpers/repo.js';
import { servingPort } from './helpers/serving-port.js';
import { waitFor } from './helpers/wait-for.js';

let dir: string;
const releases: Record<string, string> = {};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kvrel-node-lines-'));
  releases['26'] = copyRelease('foo');
  const path = join(dir, 'foo');
  const built = await execa(process.execPath, [kvrelBin, 'release', 'foo', '--node', '24', '--path', path], { cwd: repoRoot, reject: false, all: true });
  if (built.exitCode !== 0) throw new Error(`kvrel release foo --node 24 failed:\n${built.all}`);
  expect(built.all).toContain('* resolving Node (v24.22.3 (embedded)');
  releases['24'] = path;
});

afterEach(async () => {
  await stopAll();
});

afterAll(() => {
  removeReleaseCopies();
  rmSync(dir, { recursive: true, force: true });
});

describe.each([
  { line: '26', version: 'v26.12.1' },
  { line: '24', version: 'v24.22.3' },
])('release foo on the Node $line line', ({ line, version }) => {
  it(`starts, serves the kv protocol and runs on Node ${version}`, async () => {
    const bin = join(releases[line]!, 'bin', 'foo');
    const env = { PORT: '0', KVREL_PORT_MAPPER_PORT: String(await startPortMapper()), RELEASE_DISTRIBUTION: 'name', RELEASE_NODE: `foo${line}@127.0.0.1` };
    const node = start(bin, ['start'], { env });
    const port = await waitFor(() => node.output().includes(' started on ') && servingPort(node.output()), {
      what: 'foo to start',
      details: () => node.output(),
    });
    expect(node.output()).toContain(`Node ${version})`);
    const client = await KvClient.connect(port);
    expect(await client.command('CREATE shopping')).toEqual(['OK']);
    expect(await client.command('PUT shopping milk 1')).toEqual(['OK']);
    expect(await client.command('GET shopping milk')).toEqual(['1', 'OK']);
    client.close();
    const rpc = await execa(bin, ['rpc', 'process.version'], { env, reject: false });
    expect([rpc.exitCode, rpc.stdout]).toEqual([0, version]);
  });
});
