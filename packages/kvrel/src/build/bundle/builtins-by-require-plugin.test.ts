import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { builtinsByRequirePlugin } from './builtins-by-require-plugin.js';

const dir = mkdtempSync(join(tmpdir(), 'kvrel-builtins-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('builtinsByRequirePlugin', () => {
  it("turns an ES module bundle's imports of built-ins into requires that keep named, namespace and default imports working", async () => {
    const entry = join(dir, 'entry.mjs');
    writeFileSync(
      entry,
      [
        "import { createServer } from 'node:http';",
        "import * as path from 'path';",
        "import os from 'node:os';",
        "export const answer = [typeof createServer, path.join('a', 'b'), typeof os.cpus].join(' ');",
      ].join('\n'),
    );
    const outfile = join(dir, 'out.mjs');
    const result = await build({
      entryPoints: [entry],
      bundle: true,
      platform: 'node',
      format: 'esm',
      outfile,
      write: false,
      plugins: [builtinsByRequirePlugin],
      banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
    });
    const code = result.outputFiles[0]!.text;
    expect(code).not.toMatch(/from\s*["'](node:)?(http|path|os)["']/);
    writeFileSync(outfile, code);
    const loaded = (await import(pathToFileURL(outfile).href)) as { answer: string };
    expect(loaded.answer).toBe(`function ${join('a', 'b')} function`);
  });
});
