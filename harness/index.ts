/**
 * Public test helpers for extension authors (Vitest). Everything exported here is stable API;
 * anything else in the package is internal.
 *
 * Today: a real Runner for handler tests. The in-process emulator (`createEmulator`), capability
 * ledger matchers and Playwright fixtures come with the harness issue.
 */
export {
  /** A real Runner on an ephemeral loopback port; see the class docs for an example. */
  RunnerFixture,
  /** Builds a `/v1/execute` body for an installed bundle. */
  executeBody,
  type Envelope,
  type ExecuteInput,
  type ExecuteReply,
} from './runner-fixture.ts';
