#!/usr/bin/env node
/** The kvrel command: bundled into dist/bin/kvrel.cjs (package.json "bin") by scripts/bundle-cli.mjs. */
import { runPortMapperFromEnv } from '@kvrel/runtime/internal';
import { main } from './cli.js';

// A node started from source spawns the host's port mapper by rerunning this script with
// KVREL_RUN_PORT_MAPPER=1 (a detached process that outlives it, as epmd does).
if (!runPortMapperFromEnv()) void main();
