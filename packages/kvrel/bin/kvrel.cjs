#!/usr/bin/env node
// The kvrel command: runs the CLI built by `npm install` (the root package's prepare script).
const { existsSync } = require('node:fs');
const { join } = require('node:path');
const cli = join(__dirname, '..', 'dist', 'cli.cjs');
if (!existsSync(cli)) {
  process.stderr.write('error: kvrel is not built; run "npm install" (or "npm run prepare") in the repository root\n');
  process.exit(1);
}
require(cli);
