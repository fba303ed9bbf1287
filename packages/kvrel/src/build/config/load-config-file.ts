/**
 * Loads a TypeScript config file (releases.config.ts, config/*.ts): esbuild bundles it with its
 * imports into a temporary .mjs beside it, which is imported and removed (Vite's loadConfigFromFile).
 * A file that fails to build or to evaluate is reported with its name and the reason, no stack.
 */
import { build } from 'esbuild';
import { randomBytes } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { UserError } from '../../shared/user-error.js';

export async function loadConfigFile(file: string, root: string = process.cwd()): Promise<unknown> {
  const shown = relative(root, file) || file;
  const code = await bundleConfigFile(file, root);
  const temp = join(dirname(file), `.${basename(file)}.${randomBytes(4).toString('hex')}.mjs`);
  await writeFile(temp, code);
  try {
    const module = (await import(pathToFileURL(temp).href)) as { default?: unknown };
    return module.default;
  } catch (error) {
    throw new UserError('KVREL_CONFIG_LOAD_FAILED', `${shown}: threw ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    await rm(temp, { force: true });
  }
}

/** The config file and its imports as one ES module with an inline source map (`kvrel run` imports it in the node). */
export async function bundleConfigFile(file: string, root: string = process.cwd()): Promise<string> {
  const shown = relative(root, file) || file;
  try {
    const result = await build({
      entryPoints: [file],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      write: false,
      logLevel: 'silent',
      sourcemap: 'inline',
    });
    return result.outputFiles[0]!.text;
  } catch (error) {
    throw new UserError('KVREL_CONFIG_LOAD_FAILED', `${shown}: ${firstEsbuildError(error)}`);
  }
}

export function firstEsbuildError(error: unknown): string {
  const errors = (error as { errors?: Array<{ text: string; location?: { file: string; line: number; column: number } | null }> }).errors;
  const first = errors?.[0];
  if (!first) return error instanceof Error ? error.message : String(error);
  const at = first.location ? ` (${first.location.file}:${first.location.line}:${first.location.column})` : '';
  return `${first.text}${at}`;
}
