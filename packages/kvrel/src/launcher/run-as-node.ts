/**
 * A release's executable run as `node` (node-command-line.ts): the script runs with the release's
 * Node as `node script` would run it (Module.runMain: CommonJS or ES module by node's rules,
 * `require.main === module`, process.argv as node sets it), after any -r/--import preloads.
 * `-e`/`-p` evaluate code, `--version` prints the embedded Node's version.
 */
import * as nodeModule from 'node:module';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { runInThisContext } from 'node:vm';
import { inspect } from 'node:util';
import type { NodeCommandLine, Preload } from './node-command-line.js';

/** `importFile(url)`: import() from a file on disk (a SEA's main has none of its own on Node 20). */
export async function runAsNode(line: NodeCommandLine, importFile: (url: string) => Promise<unknown>): Promise<void> {
  if (line.kind === 'version') {
    process.stdout.write(`${process.version}\n`);
    return;
  }
  const here = join(process.cwd(), '[eval]');
  await preload(line.preload, here, importFile);
  if (line.kind === 'eval') {
    process.argv = [process.execPath, ...line.args];
    const scope = globalThis as Record<string, unknown>;
    scope['require'] ??= nodeModule.createRequire(here);
    const value = runInThisContext(line.code, { filename: '[eval]' }) as unknown;
    if (line.print) process.stdout.write(`${typeof value === 'string' ? value : inspect(value)}\n`);
    return;
  }
  const script = resolve(line.script);
  process.argv = [process.execPath, script, ...line.args];
  (nodeModule as unknown as { runMain: (main?: string) => void }).runMain(script);
}

async function preload(modules: readonly Preload[], from: string, importFile: (url: string) => Promise<unknown>): Promise<void> {
  const load = nodeModule.createRequire(from);
  for (const { how, specifier } of modules) {
    if (how === 'require') load(specifier);
    else if (specifier.startsWith('.') || specifier.startsWith('/')) await importFile(pathToFileURL(resolve(specifier)).href);
    else await importFile(pathToFileURL(load.resolve(specifier)).href);
  }
}
