/**
 * Remembers what a build step read and made, so that a build where nothing changed does nothing:
 * a state file holds a key (what the step was asked to do) and the size and mtime of every input
 * file; when the key and every stamp match and the outputs exist, the step reuses its last result.
 * Mix recompiles only what changed for the same reason.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

interface StateFile<T> {
  readonly key: string;
  readonly inputs: Readonly<Record<string, string>>;
  readonly outputs: readonly string[];
  readonly result: T;
}

export function stateKey(...parts: readonly unknown[]): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex');
}

/** A file's size and mtime, or "missing": what says it changed since the last build. */
export function fileStamp(file: string): string {
  try {
    const info = statSync(file);
    return `${info.size}:${info.mtimeMs}`;
  } catch {
    return 'missing';
  }
}

/** The last result when nothing it depended on changed, else undefined. */
export function reusableResult<T>(stateFile: string, key: string): T | undefined {
  if (!existsSync(stateFile)) return undefined;
  let state: StateFile<T>;
  try {
    state = JSON.parse(readFileSync(stateFile, 'utf8')) as StateFile<T>;
  } catch {
    return undefined;
  }
  if (state.key !== key) return undefined;
  if (!state.outputs.every((file) => existsSync(file))) return undefined;
  for (const [file, was] of Object.entries(state.inputs)) if (fileStamp(file) !== was) return undefined;
  return state.result;
}

export function saveResult<T>(stateFile: string, key: string, inputs: Iterable<string>, outputs: readonly string[], result: T): void {
  const stamped: Record<string, string> = {};
  for (const file of inputs) stamped[file] = fileStamp(file);
  mkdirSync(dirname(stateFile), { recursive: true });
  writeFileSync(stateFile, JSON.stringify({ key, inputs: stamped, outputs, result } satisfies StateFile<T>));
}
