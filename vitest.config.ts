import { defineConfig } from 'vitest/config';

// Two projects: unit tests beside the code, end-to-end tests (real processes, real releases) in test/.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['packages/*/src/**/*.test.ts'],
          testTimeout: 20_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/**/*.test.ts'],
          globalSetup: ['test/setup/build-releases.ts'],
          testTimeout: 60_000,
          hookTimeout: 180_000,
          // Releases are built once per file and postject peaks near 0.75 GB: one file at a time.
          fileParallelism: false,
        },
      },
    ],
  },
});
