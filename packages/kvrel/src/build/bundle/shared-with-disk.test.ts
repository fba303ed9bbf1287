import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bundledPackagesSharedWithDisk } from './shared-with-disk.js';

const root = mkdtempSync(join(tmpdir(), 'kvrel-shared-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function pkg(name: string, dependencies: Record<string, string> = {}, peerDependencies: Record<string, string> = {}): string {
  const dir = join(root, 'node_modules', ...name.split('/'));
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name, dependencies, peerDependencies }));
  return dir;
}

describe('bundledPackagesSharedWithDisk', () => {
  it('names the bundled packages a package on disk loads too, through its dependencies and peers', () => {
    const observe = pkg('@nest/observe', { tslib: '*' }, { '@nest/core': '*' });
    const core = pkg('@nest/core', { 'path-to-regexp': '*' });
    const express = pkg('express');
    pkg('tslib');
    const regexp = pkg('path-to-regexp');
    const bundled = [join(core, 'index.js'), join(regexp, 'index.js'), join(express, 'index.js'), join(root, 'src', 'main.ts')];
    const shared = bundledPackagesSharedWithDisk(bundled, [{ name: '@nest/observe', dir: observe }]);
    expect(Object.fromEntries(shared)).toEqual({
      '@nest/core': 'also loaded by @nest/observe, kept on disk',
      'path-to-regexp': 'also loaded by @nest/observe, kept on disk',
    });
  });

  it('has nothing to say when nothing is on disk', () => {
    expect(bundledPackagesSharedWithDisk([join(root, 'node_modules', 'express', 'index.js')], []).size).toBe(0);
  });
});
