import { existsSync, readFileSync } from 'node:fs';
import type { Reporter, TestCase, TestResult } from '@playwright/test/reporter';

const VITEST_SUMMARY_FILE = '.cache/vitest-summary.json';

/**
 * The browser run's counts, and under `npm test` (COMBINE_VITEST_SUMMARY=1) one closing line
 * `tests: N passed, N failed, N skipped` over Vitest and Playwright together, which CI reads to
 * tell a run that tested something from one that ran nothing.
 */
export default class SummaryReporter implements Reporter {
  readonly #final = new Map<string, TestResult['status']>();

  onTestEnd(test: TestCase, result: TestResult): void {
    this.#final.set(test.id, result.status);
  }

  onEnd(): void {
    const states = [...this.#final.values()];
    const browser = {
      passed: states.filter((s) => s === 'passed').length,
      failed: states.filter((s) => s === 'failed' || s === 'timedOut' || s === 'interrupted').length,
      skipped: states.filter((s) => s === 'skipped').length,
    };
    console.log(`\nbrowser tests: ${browser.passed} passed, ${browser.failed} failed, ${browser.skipped} skipped`);
    if (process.env.COMBINE_VITEST_SUMMARY !== '1' || !existsSync(VITEST_SUMMARY_FILE)) return;
    const vitest = JSON.parse(readFileSync(VITEST_SUMMARY_FILE, 'utf8')) as typeof browser;
    console.log(`tests: ${vitest.passed + browser.passed} passed, ${vitest.failed + browser.failed} failed, ${vitest.skipped + browser.skipped} skipped`);
  }
}
