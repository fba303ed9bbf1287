import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runProcess } from '../process/run-process.js';
import type { NpmRunner } from '../sea/npm-pack.js';
import { addTargetPackages, excludesTarget, isPackageForTarget } from './target-packages.js';

const dir = mkdtempSync(join(tmpdir(), 'kvrel-target-packages-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function writePackage(at: string, manifest: object): void {
  mkdirSync(at, { recursive: true });
  writeFileSync(join(at, 'package.json'), JSON.stringify(manifest));
}

describe('per-platform packages for a target', () => {
  it("picks the target's glibc build by the napi-rs and sharp naming", () => {
    expect(isPackageForTarget('@node-rs/bcrypt-linux-arm64-gnu', 'linux-arm64')).toBe(true);
    expect(isPackageForTarget('@img/sharp-linux-arm64', 'linux-arm64')).toBe(true);
    expect(isPackageForTarget('@img/sharp-libvips-linux-arm64', 'linux-arm64')).toBe(true);
    expect(isPackageForTarget('@node-rs/bcrypt-linux-arm64-musl', 'linux-arm64')).toBe(false);
    expect(isPackageForTarget('@img/sharp-linuxmusl-arm64', 'linux-arm64')).toBe(false);
    expect(isPackageForTarget('@node-rs/bcrypt-linux-x64-gnu', 'linux-arm64')).toBe(false);
    expect(isPackageForTarget('@node-rs/bcrypt-linux-x64-gnu', 'linux-x64')).toBe(true);
  });

  it("reads npm's os and cpu fields", () => {
    expect(excludesTarget({ cpu: ['x64'], os: ['linux'] }, 'linux-arm64')).toBe(true);
    expect(excludesTarget({ cpu: ['arm64'], os: ['linux'] }, 'linux-arm64')).toBe(false);
    expect(excludesTarget({ cpu: ['!ia32'] }, 'linux-arm64')).toBe(false);
    expect(excludesTarget({ cpu: ['!arm64'] }, 'linux-arm64')).toBe(true);
    expect(excludesTarget({ os: ['darwin'] }, 'linux-arm64')).toBe(true);
    expect(excludesTarget({}, 'linux-arm64')).toBe(false);
  });

  it("fetches the target's missing build once into the cache and copies it into lib/node_modules, then its own", async () => {
    // A registry of two tarballs: the addon's arm64 package, which depends on a library package.
    const registry = join(dir, 'registry');
    for (const [name, manifest] of [
      [
        'sharp-linux-arm64',
        { name: '@img/sharp-linux-arm64', version: '0.34.0', cpu: ['arm64'], optionalDependencies: { '@img/sharp-libvips-linux-arm64': '1.2.0' } },
      ],
      ['sharp-libvips-linux-arm64', { name: '@img/sharp-libvips-linux-arm64', version: '1.2.0', cpu: ['arm64'] }],
    ] as const) {
      writePackage(join(registry, name, 'package'), manifest);
      await runProcess('tar', ['-czf', join(registry, `${name}.tgz`), '-C', join(registry, name), 'package']);
    }
    const calls: string[] = [];
    const fakeNpm: NpmRunner = async (args, { cwd }) => {
      const spec = args[1]!;
      calls.push(spec);
      const file = spec.startsWith('@img/sharp-libvips') ? 'sharp-libvips-linux-arm64.tgz' : 'sharp-linux-arm64.tgz';
      writeFileSync(join(cwd, file), readFileSync(join(registry, file)));
      return { exitCode: 0, signal: null, stdout: JSON.stringify([{ filename: file }]), stderr: '', timedOut: false, durationMs: 0 };
    };
    const lib = join(dir, 'lib');
    writePackage(join(lib, 'node_modules', 'sharp'), {
      name: 'sharp',
      optionalDependencies: { '@img/sharp-linux-x64': '0.34.0', '@img/sharp-linux-arm64': '0.34.0', '@img/sharp-linuxmusl-arm64': '0.34.0' },
    });
    writePackage(join(lib, 'node_modules', '@img', 'sharp-linux-x64'), { name: '@img/sharp-linux-x64', cpu: ['x64'] });
    const cache = join(dir, 'cache');

    expect(await addTargetPackages(lib, 'linux-arm64', cache, fakeNpm)).toEqual(['@img/sharp-linux-arm64@0.34.0', '@img/sharp-libvips-linux-arm64@1.2.0']);
    expect(JSON.parse(readFileSync(join(lib, 'node_modules', '@img', 'sharp-libvips-linux-arm64', 'package.json'), 'utf8'))).toMatchObject({
      version: '1.2.0',
    });
    // Already in lib: nothing to add. Removed from lib (a rebuild): copied again from the cache, no npm call.
    expect(await addTargetPackages(lib, 'linux-arm64', cache, fakeNpm)).toEqual([]);
    rmSync(join(lib, 'node_modules', '@img', 'sharp-linux-arm64'), { recursive: true });
    rmSync(join(lib, 'node_modules', '@img', 'sharp-libvips-linux-arm64'), { recursive: true });
    expect(await addTargetPackages(lib, 'linux-arm64', cache, fakeNpm)).toHaveLength(2);
    expect(calls).toEqual(['@img/sharp-linux-arm64@0.34.0', '@img/sharp-libvips-linux-arm64@1.2.0']);
  });
});
