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
/**
 * The dev loop's fast path (`runner.fastPaths`) and the dev loop's events: the hooks for checking
 * every call a fast path answered against the component built from the same source.
 * @example emu.runner.fastPaths.onServed((call) => cassette.push(call)); emu.watch(dir, (e) => e.type === 'reload' && e.builtFrom && replay(e))
 */
export { FastPaths, type FastPathServed, type FastPathState } from './runner/fast-path.ts';
export type { DevLoopEvent, WatchOptions } from './host/dev-loop.ts';
/** Resolves Runner settings from environment variables (production's names). */
export { loadRunnerConfig, RUNNER_SETTINGS, type RunnerConfig } from './runner/config.ts';
/** The Runner's Express app, built without listening, and a loopback `listen` helper. */
export { createRunnerApp, listen } from './runner/http/router.ts';
/** The host capability registry and the emulator's parity notes. */
export { CAPABILITIES } from './capabilities/index.ts';
/** Every deliberate difference from production (also: `npm run parity-notes`). */
export { allParityNotes } from './parity-notes.ts';
/** Deterministic `bundle.tar.zst` packing and content hashes. */
export { packExtension, computeContentHash, bundleStoreKey } from './bundles/index.ts';
/** Builds a guest (TypeScript/JavaScript) into `dist/main.wasm` with componentize-js, cached. */
export { buildComponent } from './toolchain/build-component.ts';
/**
 * The whole platform on `HOST` (default loopback; elsewhere the shell asks for a sign-in secret):
 * Runner + main port with the publish API, or just its data
 * folder (registry, store, signing) for scripts and CLIs.
 * @example const emu = await startEmulator({ settings: { dataDir: tmp, port: 0, runnerPort: 0 } }); await emu.close();
 */
export { startEmulator, openEmulatorData, type RunningEmulator, type EmulatorData, type StartOptions } from './host/start-emulator.ts';
export { EMULATOR_SETTINGS, loadEmulatorSettings, type EmulatorSettings } from './host/settings.ts';
/**
 * Whether the shell's API asks for a sign-in secret (`emu.signin`): on a non-loopback `HOST`, or
 * with `EMULATOR_SIGNIN_SECRET`. `isLoopbackHost` is the test the policy uses.
 * @example isLoopbackHost('0.0.0.0') // false: the shell then asks for the secret
 */
export { isLoopbackHost, type SigninPolicy } from './host/bind-policy.ts';
/** The extension registry: publish, install, config, sealed secrets, identities. */
export { Registry, type InstallView } from './registry/registry.ts';
/**
 * The Gateway (`/api/ext`, `/api/ext-proxy`) and the sessions it authenticates: shell cookies and
 * dev bearer tokens.
 * @example const res = await emu.gateway.handle({ route: 'ext', method: 'GET', extId: 'acme.widget', path: '/items', query: {}, headers: { authorization: `Bearer ${token}` }, body: undefined });
 */
export { Gateway, Sessions, SESSION_COOKIE, type Principal } from './gateway/index.ts';
/** The main port's Express app (publish API), built without listening. */
export { createHostApp } from './host/app.ts';
/** Manifest validation exactly as publish applies it. */
export { validateManifest, parseManifestText, type ExtensionManifest, type ManifestIssue } from './manifest/index.ts';
/** Offline bundle checks as CI runs them (`alga-emulator doctor`). */
export { runDoctor, formatDoctorReport, type DoctorReport } from './doctor/index.ts';
/** Detached bundle signatures: keys, signing, trust, verification modes. */
export {
  generateSigningKey,
  signContentHash,
  verifyBundleSignature,
  TrustStore,
  loadSigningPolicy,
  type SigningMode,
  type SigningPolicy,
} from './signing/index.ts';
/** What the Runner asks of a registry: install lookups for /ext-ui and signature checks at load. */
export type { InstallDirectory } from './runner/ui/install-directory.ts';
export type { BundleVerifier } from './runner/bundle-verifier.ts';
/** The one error type: stable `code`, HTTP `status`, actionable message. */
export { EmulatorError } from './errors.ts';
/**
 * Wall-clock time of the emulator's time-based parts: the real clock, or a virtual one a test moves.
 * @example const clock = new VirtualClock(Date.UTC(2025, 0, 1)); await startEmulator({ clock }); clock.advance(1000);
 */
export { systemClock, VirtualClock, type Clock } from './clock.ts';
/**
 * Planned host-call failures of a Runner (`runner.faults`), applied after the grant checks.
 * @example runner.faults.inject({ capability: 'http.fetch', error: 'transport', times: 2 })
 */
export { FaultPlan, type FaultRule, type FaultHandle, type ResolvedFaultRule } from './runner/faults/fault-plan.ts';
/**
 * Record and replay: a cassette of real calls (request, host calls with arguments and answers in
 * full, the answer), recorded from a Runner (`runner.record(filter, listener)`, `recordRunner`) or
 * by hand (`CassetteRecorder`), and `replay(cassette, bundle)`, which runs a build against it
 * offline and reports each difference naming its call.
 * @example const report = await replay('traffic.cassette.json', './my-extension'); if (!report.ok) console.log(formatReplayReport(report));
 */
export {
  CASSETTE_VERSION,
  CassetteRecorder,
  cassetteHostCall,
  formatReplayReport,
  readCassette,
  recordRunner,
  replay,
  writeCassette,
  type CallIdentity,
  type Cassette,
  type CassetteCall,
  type CassetteHostCall,
  type CassetteValue,
  type HostCallDifference,
  type RecordFilter,
  type ReplayDifference,
  type ReplayOptions,
  type ReplayReport,
  type ReplaySource,
  type ReplayedCall,
  type RunnerRecording,
} from './replay/index.ts';
