import { configDefaults, defineConfig } from 'vitest/config';

// Vitest projects: `unit` is fast and in-process; `e2e` starts real servers and runs built
// components through the Runner. Both run in CI via `npm test`.
export default defineConfig({
  test: {
    reporters: ['default', './test/support/summary-reporter.ts'],
    // Fails the run when a test wrote into the repository instead of a temp folder.
    globalSetup: ['./test/support/repo-writes-guard.ts'],
    projects: [
      {
        test: {
          name: 'unit',
          include: ['emulator/**/*.test.ts', 'harness/**/*.test.ts', 'test/unit/**/*.test.ts'],
          // The scaffold template's test runs in each scaffolded project (test/e2e/create-extension.test.ts).
          exclude: [...configDefaults.exclude, 'emulator/scaffold/template/**'],
          testTimeout: 20_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts', 'sample-extensions/*/test/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          pool: 'forks',
          fileParallelism: false,
        },
      },
    ],
  },
});
