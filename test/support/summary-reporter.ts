import { mkdirSync, writeFileSync } from 'node:fs';
import type { Reporter, TestModule } from 'vitest/node';

/** Where the counts go for the browser run's combined closing line (`npm test`). */
export const VITEST_SUMMARY_FILE = '.cache/vitest-summary.json';

/**
 * Prints one plain closing line, `tests: N passed, N failed, N skipped`, which CI reads to tell
 * a run that tested something from one that ran nothing.
 */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: readonly TestModule[]): void {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    for (const module of testModules) {
      for (const test of module.children.allTests()) {
        const state = test.result().state;
        if (state === 'passed') passed++;
        else if (state === 'failed') failed++;
        else skipped++;
      }
      if (module.state() === 'failed' && module.children.size === 0) failed++;
    }
    console.log(`\ntests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
    mkdirSync('.cache', { recursive: true });
    writeFileSync(VITEST_SUMMARY_FILE, JSON.stringify({ passed, failed, skipped }));
  }
}
