import { defineConfig } from 'vitest/config';

// Tests run kvrel and the runtime from their TypeScript sources ("kvrel-source" export condition),
// never from a stale dist/. Two projects: unit tests beside the code, end-to-end tests (real
// processes, real releases, the CLI compiled to dist/ first) in test/.
// (Tests run in Vite's server environment: its default conditions, with ours first.)
const sources = { ssr: { resolve: { conditions: ['kvrel-source', 'module', 'node', 'development|production'] } } };

export default defineConfig({
  test: {
    projects: [
      {
        ...sources,
        test: {
          name: 'unit',
          include: ['packages/*/src/**/*.test.ts'],
          testTimeout: 20_000,
        },
      },
      {
        ...sources,
        test: {
          name: 'e2e',
          include: ['test/**/*.test.ts'],
          globalSetup: ['test/setup/build-packages.ts', 'test/setup/build-releases.ts', 'test/setup/any-project.ts'],
          testTimeout: 60_000,
          hookTimeout: 180_000,
          // Releases are built once per file and postject peaks near 0.75 GB: one file at a time.
          fileParallelism: false,
        },
      },
    ],
  },
});
