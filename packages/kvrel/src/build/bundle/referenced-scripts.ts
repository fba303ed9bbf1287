/**
 * Files a module of the project names relative to its own location, the ways code written for plain
 * node does: `new URL('./worker.js', import.meta.url)`, `path.join(__dirname, 'child.js')`,
 * `path.resolve(import.meta.dirname, 'jobs', 'run.js')`. Only string literals count: a computed name
 * is not followed (the files beside the module are copied anyway, see beside-files.ts).
 */
import { existsSync } from 'node:fs';
import { extname, resolve } from 'node:path';

const NEW_URL = /new\s+URL\(\s*(['"`])(\.{1,2}\/[^'"`$\n]+)\1\s*,\s*import\.meta\.url\s*\)/g;
const FROM_DIRNAME = /\b(?:join|resolve)\(\s*(?:__dirname|import\.meta\.dirname)\s*((?:,\s*(?:'[^'\n]*'|"[^"\n]*")\s*)+)\)/g;
const LITERAL = /'([^'\n]*)'|"([^"\n]*)"/g;

export const SCRIPT_EXTENSIONS: ReadonlySet<string> = new Set(['.js', '.mjs', '.cjs', '.ts', '.mts', '.cts', '.tsx', '.jsx']);
/** `./x.js` may name x.ts (TypeScript's NodeNext convention). */
const SOURCE_FOR: Readonly<Record<string, readonly string[]>> = { '.js': ['.ts', '.tsx'], '.mjs': ['.mts'], '.cjs': ['.cts'] };

/** Absolute paths the module names relative to itself (whether or not they exist). */
export function referencedPaths(moduleDir: string, text: string): string[] {
  const found = new Set<string>();
  for (const match of text.matchAll(NEW_URL)) found.add(resolve(moduleDir, decodeURI(match[2]!)));
  for (const match of text.matchAll(FROM_DIRNAME)) {
    const parts = [...match[1]!.matchAll(LITERAL)].map((m) => m[1] ?? m[2] ?? '');
    if (parts.some((p) => p.includes('${'))) continue;
    found.add(resolve(moduleDir, ...parts));
  }
  return [...found];
}

/** The source file a referenced script path is built from: itself, or its TypeScript source. */
export function scriptSource(path: string): string | undefined {
  const ext = extname(path);
  if (!SCRIPT_EXTENSIONS.has(ext)) return undefined;
  if (existsSync(path)) return path;
  for (const candidate of SOURCE_FOR[ext] ?? []) {
    const source = path.slice(0, -ext.length) + candidate;
    if (existsSync(source)) return source;
  }
  return undefined;
}
