/**
 * The files beside the project's code, where the code finds them: each folder whose modules name their
 * own location (beside-folders are found while bundling) is mirrored under lib/ at its path from the
 * project root, so `path.join(__dirname, 'views')`, `new URL('../locales/', import.meta.url)` and
 * `readFileSync(join(import.meta.dirname, 'schema.sql'))` read what they read under plain node.
 * A release gets copies (its TypeScript sources and the code already in the bundle left out); `kvrel
 * run` gets symbolic links to the originals (so files the node writes there land in the project).
 * Files the bundler emitted into the mirror (bundled scripts) are kept; files that vanished from the
 * project since the last build are removed.
 */
import { lstatSync, mkdirSync, readdirSync, rmSync, statSync, symlinkSync, copyFileSync, utimesSync } from 'node:fs';
import { extname, join, relative } from 'node:path';

export interface BesideFilesOptions {
  readonly root: string;
  readonly libDir: string;
  /** Absolute folders of the project to mirror, none inside another. */
  readonly folders: readonly string[];
  /** 'copy' for a release, 'link' for kvrel run. */
  readonly mode: 'copy' | 'link';
  /** Files of the project the bundle holds already (not copied). */
  readonly bundled: ReadonlySet<string>;
  /** Files the bundler wrote into lib/ (kept). */
  readonly emitted: ReadonlySet<string>;
}

/** Never part of what the code reads beside itself. */
const SKIPPED_NAMES = new Set(['node_modules', '_build']);
const TYPESCRIPT_SOURCES = new Set(['.ts', '.tsx', '.mts', '.cts']);

function skipped(name: string): boolean {
  return SKIPPED_NAMES.has(name) || name.startsWith('.');
}

/** Mirrors the folders; returns the number of files copied or linked. */
export function mirrorBesideFiles(options: BesideFilesOptions): number {
  let count = 0;
  for (const folder of options.folders) {
    const target = join(options.libDir, relative(options.root, folder));
    count += options.mode === 'copy' ? copyTree(folder, target, options) : linkTree(folder, target, options);
  }
  return count;
}

function copyTree(from: string, to: string, options: BesideFilesOptions): number {
  let count = 0;
  // Every folder exists, even one of TypeScript sources only: `${__dirname}/../views` passes through it.
  mkdirSync(to, { recursive: true });
  const wanted = new Set<string>();
  for (const entry of readdirSync(from, { withFileTypes: true })) {
    if (skipped(entry.name)) continue;
    const source = join(from, entry.name);
    const target = join(to, entry.name);
    if (entry.isDirectory()) {
      wanted.add(entry.name);
      count += copyTree(source, target, options);
    } else if (entry.isFile() && !TYPESCRIPT_SOURCES.has(extname(entry.name)) && !options.bundled.has(source)) {
      wanted.add(entry.name);
      if (options.emitted.has(target)) continue;
      if (!sameFile(source, target)) {
        copyFileSync(source, target);
        const { atime, mtime } = statSync(source);
        utimesSync(target, atime, mtime);
        count++;
      }
    }
  }
  removeVanished(to, wanted, options.emitted);
  return count;
}

/** Links each entry, except folders the bundler wrote into (made real, and linked inside). */
function linkTree(from: string, to: string, options: BesideFilesOptions): number {
  let count = 0;
  mkdirSync(to, { recursive: true });
  for (const entry of readdirSync(from, { withFileTypes: true })) {
    if (entry.name.startsWith('.') || entry.name === '_build') continue;
    const source = join(from, entry.name);
    const target = join(to, entry.name);
    const existing = lstatOrUndefined(target);
    if (existing?.isDirectory() && entry.isDirectory()) count += linkTree(source, target, options);
    else if (!existing) {
      symlinkSync(source, target);
      count++;
    }
  }
  return count;
}

function removeVanished(dir: string, wanted: ReadonlySet<string>, emitted: ReadonlySet<string>): void {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of entries) {
    const path = join(dir, name);
    if (wanted.has(name) || emitted.has(path) || [...emitted].some((file) => file.startsWith(`${path}/`))) continue;
    rmSync(path, { recursive: true, force: true });
  }
}

function sameFile(source: string, target: string): boolean {
  const copy = lstatOrUndefined(target);
  if (!copy?.isFile()) return false;
  const original = statSync(source);
  return copy.size === original.size && copy.mtimeMs === original.mtimeMs;
}

function lstatOrUndefined(path: string) {
  try {
    return lstatSync(path);
  } catch {
    return undefined;
  }
}
