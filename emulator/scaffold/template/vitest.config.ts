import { defineConfig } from 'vitest/config';

// Each test file starts the emulator (Runner, Gateway, registry) and installs the extension:
// a few seconds, so hooks get more than Vitest's default 10 s.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
  },
});
