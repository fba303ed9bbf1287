/**
 * The releases built once per run by setup/build-releases.ts, and a way to work on a private copy of
 * one (tests that edit env.sh, move the release or start nodes must not disturb each other).
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';

export function builtRelease(name: 'foo' | 'bar'): string {
  return join(inject('releasesDir'), name);
}

const copies: string[] = [];

/** A fresh copy of a built release in its own temp folder; removed by removeReleaseCopies(). */
export function copyRelease(name: 'foo' | 'bar'): string {
  const dir = mkdtempSync(join(tmpdir(), `kvrel-${name}-`));
  copies.push(dir);
  const target = join(dir, name);
  cpSync(builtRelease(name), target, { recursive: true });
  return target;
}

export function removeReleaseCopies(): void {
  for (const dir of copies.splice(0)) rmSync(dir, { recursive: true, force: true });
}
