// Browser tests in Debian's chromium (never `npx playwright install`), run with `npm run test:browser`:
// `shell` tests the shell page against a real emulator (support/global-setup.ts) and the public
// fixtures against themselves; `samples` runs each sample's UI tests, written only with the public
// fixtures (harness/playwright.ts), which start their own emulator per worker.
import { defineConfig } from '@playwright/test';
import { algaUse } from '../../harness/playwright-config.ts';

export default defineConfig({
  globalSetup: './support/global-setup.ts',
  workers: 1,
  fullyParallel: false,
  forbidOnly: true,
  retries: 0,
  timeout: 30_000,
  expect: { timeout: 5_000 },
  outputDir: '../../test-results',
  reporter: [['list'], ['../support/playwright-summary-reporter.ts']],
  use: {
    ...algaUse(),
    screenshot: 'only-on-failure',
    trace: 'off',
    video: 'off',
  },
  projects: [
    { name: 'shell', testDir: '.', testMatch: '**/*.spec.ts' },
    { name: 'samples', testDir: '../../sample-extensions', testMatch: '*/test/**/*.ui.spec.ts', timeout: 60_000 },
  ],
});
