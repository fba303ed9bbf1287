// Builds the kvrel CLI (TypeScript sources) into one CommonJS file run by bin/kvrel.cjs on Node 20+.
// Runs as the root package's `prepare`, so `npm install` leaves a working `npx kvrel`.
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = join(dirname(fileURLToPath(import.meta.url)), '..');
const { version } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));

await build({
  entryPoints: [join(dir, 'src', 'cli-main.ts')],
  outfile: join(dir, 'dist', 'cli.cjs'),
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: true,
  logLevel: 'warning',
  // esbuild and postject stay real dependencies: esbuild ships a native binary, postject a wasm blob.
  external: ['esbuild', 'postject'],
  define: { KVREL_VERSION: JSON.stringify(version), 'import.meta.url': '__kvrelImportMetaUrl' },
  banner: { js: "const __kvrelImportMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
});
