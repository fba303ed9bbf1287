/**
 * `kvrel run` boots on the release's embedded Node, but npm compiled the project's native addons for
 * the Node that ran npm. A package none of whose addons loads there for its ABI is rebuilt for the
 * embedded Node, as a release rebuilds it, in a copy under the run folder (the project's node_modules
 * stay as npm left them, for the tools on the host's Node); the dev node then loads the copy's addon
 * in place of each original (the dev node's main script redirects process.dlopen). A package that cannot be
 * rebuilt (no binding.gyp) is reported: the node then runs on the host's Node, as --host-node does.
 */
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { cp, mkdir, rm } from 'node:fs/promises';
import { basename, join, relative, sep } from 'node:path';
import { checkAddons, type AddonLoadFailure } from './check-addons.js';
import { findAddons } from './find-addons.js';
import { rebuildAddon } from './rebuild-addon.js';
import { ensureEmbeddedNodeHeaders } from '../sea/embedded-node-headers.js';
import type { EmbeddedNodeRuntime } from '../sea/embedded-node.js';
import type { Reporter } from '../reporter.js';

export interface AddonsForRunRequest {
  readonly nodeBinary: string;
  readonly runtime: EmbeddedNodeRuntime;
  /** The folders of the packages the dev node loads from disk. */
  readonly packageDirs: readonly string[];
  /** Where rebuilt copies live between runs: _build/<env>/run/addons. */
  readonly scratchDir: string;
  readonly cacheDir: string;
  readonly reporter: Reporter;
}

export type AddonsForRun =
  /** Original addon file (real path) → the rebuilt one to load instead; empty when all load. */
  | { readonly rebuilt: ReadonlyMap<string, string> }
  /** An addon the embedded Node cannot load and kvrel cannot rebuild. */
  | { readonly unloadable: AddonLoadFailure; readonly why: string };

export async function addonsForRun(request: AddonsForRunRequest): Promise<AddonsForRun> {
  const rebuilt = new Map<string, string>();
  for (const dir of request.packageDirs) {
    const files = findAddons(dir).filter((f) => !f.split(sep).includes('node_modules'));
    if (files.length === 0) continue;
    const failures = await checkAddons(
      request.nodeBinary,
      files.map((f) => join(dir, f)),
    );
    if (failures.length < files.length) continue; // one build of the package loads: its loader finds it
    const mismatch = failures.find((f) => f.abi);
    if (!mismatch) return { unloadable: failures[0]!, why: failures[0]!.reason };
    if (!existsSync(join(dir, 'binding.gyp'))) return { unloadable: mismatch, why: 'it ships no binding.gyp to rebuild it from' };
    const copy = await rebuiltCopy(dir, mismatch, request);
    if (typeof copy !== 'string') return copy;
    const built = findAddons(copy).filter((f) => !f.split(sep).includes('node_modules'));
    for (const file of files) {
      // The same place in the copy (build/Release/x.node), else the one addon the rebuild made.
      const replacement = built.includes(file) ? file : built.length === 1 ? built[0]! : undefined;
      if (replacement) rebuilt.set(realpathSync(join(dir, file)), join(copy, replacement));
    }
  }
  return { rebuilt };
}

async function rebuiltCopy(dir: string, mismatch: AddonLoadFailure, request: AddonsForRunRequest): Promise<string | AddonsForRun> {
  const { name = basename(dir), version = '0.0.0' } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
  const copy = join(request.scratchDir, `${name.replace('/', '+')}@${version}-node${request.runtime.version}`);
  if (!existsSync(join(copy, '.kvrel-rebuilt'))) {
    await rm(copy, { recursive: true, force: true });
    await mkdir(copy, { recursive: true });
    await cp(dir, copy, { recursive: true, filter: (source) => !relative(dir, source).split(sep).includes('node_modules') });
    request.reporter.info(
      `rebuilding ${name} for Node ${request.runtime.version} (NODE_MODULE_VERSION ${mismatch.abi!.needed}; npm built it for ${mismatch.abi!.builtFor})`,
    );
    const nodeDir = await ensureEmbeddedNodeHeaders(request.cacheDir, request.runtime);
    const outcome = await rebuildAddon({
      packageDir: copy,
      packageName: name,
      nodeDir,
      nodeVersion: `v${request.runtime.version}`,
      cacheDir: request.cacheDir,
    });
    if (!outcome.ok) return { unloadable: mismatch, why: `rebuilding it failed (${outcome.reason})` };
    await cp(join(dir, 'package.json'), join(copy, '.kvrel-rebuilt'));
  }
  return copy;
}
