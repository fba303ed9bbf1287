// Build-time configuration: evaluated on every kvrel command and when a release is built.
// Each env may add its own file; later layers win (plain objects merge, arrays replace).
import { defineConfig, mergeConfig } from '@kvrel/runtime';
import dev from './dev.js';
import prod from './prod.js';
import test from './test.js';

const perEnv: Record<string, Record<string, Record<string, unknown>>> = { dev, prod, test };

export default defineConfig(({ env }) =>
  mergeConfig(
    {
      'kv-server': { maxLineBytes: 1_048_576 },
    },
    perEnv[env],
  ),
);
