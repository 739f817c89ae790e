/**
 * Public API of the emulator package. Everything else under `emulator/` is internal.
 *
 * @example
 * import { Runner, loadRunnerConfig, createRunnerApp, packExtension } from 'alga-extension-emulator';
 * const runner = new Runner(loadRunnerConfig(process.env));
 * createRunnerApp(runner).listen(8080);
 */

/** The Runner: `/v1/execute` logic, health and the debug-event hub. */
export { Runner, type RunnerDeps, type ExecuteOutcome } from './runner/runner.ts';
/** Resolves Runner settings from environment variables (production's names). */
export { loadRunnerConfig, RUNNER_SETTINGS, type RunnerConfig } from './runner/config.ts';
/** The Runner's Express app, built without listening, and a loopback `listen` helper. */
export { createRunnerApp, listen } from './runner/http/router.ts';
/** The host capability registry and the emulator's parity notes. */
export { CAPABILITIES } from './runner/capabilities/registry.ts';
/** Every deliberate difference from production (also: `npm run parity-notes`). */
export { allParityNotes } from './runner/parity-notes.ts';
/** Deterministic `bundle.tar.zst` packing and content hashes. */
export { packExtension, computeContentHash, bundleStoreKey } from './bundles/index.ts';
/** Builds a guest (TypeScript/JavaScript) into `dist/main.wasm` with componentize-js, cached. */
export { buildComponent } from './build/build-component.ts';
/** The one error type: stable `code`, HTTP `status`, actionable message. */
export { EmulatorError } from './errors.ts';
