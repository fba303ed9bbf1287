import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { copyDiskPackages, dependencyClosure } from './copy-disk-packages.js';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

/** root/node_modules: pino -> thread-stream, pino -> sonic-boom@2 nested; sonic-boom@1 hoisted; unrelated. */
function project(): string {
  const root = mkdtempSync(join(tmpdir(), 'kvrel-copy-'));
  dirs.push(root);
  const write = (dir: string, manifest: object, files: Record<string, string> = {}) => {
    mkdirSync(join(root, dir), { recursive: true });
    writeFileSync(join(root, dir, 'package.json'), JSON.stringify(manifest));
    for (const [f, t] of Object.entries(files)) writeFileSync(join(root, dir, f), t);
  };
  write('node_modules/pino', { name: 'pino', dependencies: { 'thread-stream': '*', 'sonic-boom': '2' } }, { 'pino.js': 'pino' });
  write('node_modules/pino/node_modules/sonic-boom', { name: 'sonic-boom', version: '2.0.0' });
  write('node_modules/sonic-boom', { name: 'sonic-boom', version: '1.0.0' });
  write('node_modules/thread-stream', { name: 'thread-stream', optionalDependencies: { missing: '*' } }, { 'worker.js': 'w' });
  write('node_modules/unrelated', { name: 'unrelated' });
  return root;
}

describe('copyDiskPackages', () => {
  it('copies a package with its installed dependencies, each where Node would find it', async () => {
    const root = project();
    const closure = dependencyClosure([{ name: 'pino', dir: join(root, 'node_modules/pino') }]).map((p) => p.dir.slice(root.length + 1));
    expect(closure.sort()).toEqual(['node_modules/pino', 'node_modules/pino/node_modules/sonic-boom', 'node_modules/thread-stream']);
    const lib = join(root, 'lib');
    await copyDiskPackages(root, lib, [{ name: 'pino', dir: join(root, 'node_modules/pino') }]);
    expect(readFileSync(join(lib, 'node_modules/pino/pino.js'), 'utf8')).toBe('pino');
    expect(JSON.parse(readFileSync(join(lib, 'node_modules/pino/node_modules/sonic-boom/package.json'), 'utf8')).version).toBe('2.0.0');
    expect(existsSync(join(lib, 'node_modules/thread-stream/worker.js'))).toBe(true);
    expect(existsSync(join(lib, 'node_modules/unrelated'))).toBe(false);
  });

  it('copies nothing again when nothing changed, and removes packages no longer needed', async () => {
    const root = project();
    const lib = join(root, 'lib');
    await copyDiskPackages(root, lib, [{ name: 'pino', dir: join(root, 'node_modules/pino') }]);
    writeFileSync(join(lib, 'node_modules/pino/marker'), 'kept');
    await copyDiskPackages(root, lib, [{ name: 'pino', dir: join(root, 'node_modules/pino') }]);
    expect(existsSync(join(lib, 'node_modules/pino/marker'))).toBe(true);
    await copyDiskPackages(root, lib, [{ name: 'unrelated', dir: join(root, 'node_modules/unrelated') }]);
    expect(existsSync(join(lib, 'node_modules/pino'))).toBe(false);
    expect(existsSync(join(lib, 'node_modules/unrelated/package.json'))).toBe(true);
  });
});
