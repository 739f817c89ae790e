/**
 * Public test helpers for extension authors (Vitest). Everything exported here is stable API;
 * anything else in the package is internal.
 *
 * `createEmulator` runs the whole platform (Runner, Gateway, publish API) for a test; `RunnerFixture`
 * is a bare Runner for handler tests. Capability ledger matchers: `alga-extension-emulator/harness/matchers`.
 * Playwright fixtures for UI tests in the shell are their own entry point,
 * `alga-extension-emulator/harness/playwright`, so Vitest users never load @playwright/test.
 *
 * @example
 * import { createEmulator } from 'alga-extension-emulator/harness';
 * const emu = await createEmulator();
 * const ext = await emu.install('./my-extension');
 * const res = await emu.invoke(ext, { path: '/items' });
 * expect(res.status).toBe(200);
 * await emu.close();
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
export {
  /**
   * Starts the platform on ephemeral ports with a temporary data folder.
   * @example const emu = await createEmulator({ env: { EXT_EGRESS_ALLOWLIST: 'api.example.com' } });
   */
  createEmulator,
  type CreateEmulatorOptions,
  type TestEmulator,
} from './create-emulator.ts';
/**
 * What `emu.install` takes and returns.
 * @example const ext = await emu.install('hello-host', { tenant: 'second', config: { region: 'eu' }, secrets: { api_token: 't' }, grants: ['cap:http.fetch'] });
 */
export { type ExtensionSource, type InstallOptions, type InstallResult } from './install.ts';
/**
 * What `emu.invoke` and `emu.execute` take and return.
 * @example const res = await emu.invoke(ext, { method: 'POST', path: '/counter', as: 'msp-user', route: 'ext-proxy' }); res.status // 403
 */
export { type ExtensionRef, type InvokeRequest, type InvokeResult, type ExecuteResult } from './invoke.ts';
/**
 * Who calls and for which tenant: `'admin'`, `'msp-user'`, `'client'`, `'anonymous'` or a user id;
 * `'default'`, `'second'` or a tenant id.
 * @example await emu.invoke(ext, { path: '/x', as: 'client', tenant: 'second' })
 */
export { type Caller, type TenantRef, type Tenants } from './identities.ts';
/**
 * `emu.http`: the guests' outbound HTTP answered by this emulator's msw handlers, with unhandled
 * requests failing the test (`assertAllHandled()`, `close()`) unless `onUnhandled: 'bypass'`.
 * @example const emu = await createEmulator({ env: { EXT_EGRESS_ALLOWLIST: 'api.example.com' }, http: { handlers: [http.get('https://api.example.com/x', () => HttpResponse.json({ ok: true }))] } });
 */
export { type HttpMock, type HttpMockOptions, type OnUnhandledRequest } from './http-mock.ts';
/**
 * `emu.logs(filter)`: the Runner's debug events of this emulator.
 * @example emu.logs({ requestId: res.requestId, level: 'warn' })
 */
export { type LogEvent, type LogFilter } from './logs.ts';
/** One host call of the guest (interface, function, outcome, duration), as `InvokeResult.hostCalls` lists them. */
export type { HostCallRecord } from '../emulator/internals.ts';
/**
 * The capability ledger (`emu.ledger`): every host call with its arguments (secrets redacted),
 * result or WIT error, duration and request id, and the grants each invocation ran with.
 * Matchers: `import 'alga-extension-emulator/harness/matchers'`.
 * @example emu.ledger.forRequest(res.requestId).map(callName) // ['logging.logInfo', 'storage.get', 'storage.put']
 */
export { callName, type CapabilityLedger, type LedgerInvocation } from './ledger.ts';
/**
 * Granted-but-unused capabilities and denied calls (`emu.leastPrivilege(ext)`), as JSON or text.
 * @example console.log(formatLeastPrivilege(emu.leastPrivilege('hello-host')))
 */
export { leastPrivilege, formatLeastPrivilege, type LeastPrivilegeReport, type DeniedCall } from './least-privilege.ts';
/**
 * Per-test isolation: `emu.snapshot()` / `emu.restore(snapshot)` with SQLite savepoints (no file
 * copies). `SNAPSHOT_API_VERSION` says what a restore brings back.
 * @example
 * beforeAll(async () => { ext = await emu.install('hello-host'); clean = await emu.snapshot(); });
 * beforeEach(() => emu.restore(clean));
 */
export { SNAPSHOT_API_VERSION, type Snapshot } from './snapshot-api.ts';
/**
 * Seeding and reading an install's state: `emu.storage(ext)`, `emu.config(ext)`, `emu.secrets(ext)`
 * (write-only), and `emu.addUser(...)`.
 * @example emu.storage(ext).put('hello-host', 'counter', '41')
 */
export { type StorageView, type StoredValue, type ConfigView, type SecretsView } from './state.ts';
export type { PsaView, PsaSeedOptions } from './psa.ts';
export { type AddUserOptions } from './create-emulator.ts';
/**
 * `emu.clock`: the emulator's wall clock. With `createEmulator({ clock: 'virtual' })` time stands
 * still until `advance(ms)` / `set(date)`; registry and storage timestamps, the Gateway's rate
 * limit refill and log `ts` follow it. Guest timeouts and durations stay on real time.
 * @example const emu = await createEmulator({ clock: 'virtual' }); emu.clock.advance(60_000);
 */
export { type TestClock, type ClockMode } from './test-clock.ts';
/**
 * An install's schedule as `emu.schedules(ext)` lists it, and one firing as `emu.runSchedule(id)`
 * resolves it (the execute body the Runner got, the extension's answer).
 * @example const [nightly] = emu.schedules(ext); (await emu.runSchedule(nightly.id)).status // 'success'
 */
export { type ScheduleView, type ScheduleRun } from './schedules.ts';
/**
 * `emu.faults`: the next N calls of a capability answer a WIT error or wait first, after the
 * grant checks (an ungranted call stays `denied` and uses up nothing). Ledger entries of faulted
 * calls carry `injected: true`.
 * @example const fault = emu.faults.inject({ capability: 'http.fetch', error: 'transport', times: 2 }); fault.remaining // 2
 */
export { type TestFaults } from './faults.ts';
export { type FaultRule, type FaultHandle, type ResolvedFaultRule } from '../emulator/index.ts';
/**
 * `emu.activityMark()` / `emu.report(mark)`: the invocations and log lines since a point, as the
 * text `useEmulator` (from `alga-extension-emulator/harness/vitest`) prints when a test fails.
 * @example console.log(formatActivity(emu.ledger.invocations(), emu.logs()))
 */
export { formatActivity, type ActivityMark } from './failure-report.ts';
/**
 * `emu.uiProxy` (local routes for `ui-proxy.call-route`) and `emu.metrics(ext)` (an install's
 * executes, host calls, egress, storage use and quota-usage rows).
 * @example emu.uiProxy.route('/api/tickets/:id', (request, { params }) => ({ id: params.id }))
 */
export { type UiProxyRoutes, type ExtensionMetrics, type QuotaWindow } from './metrics.ts';
export { type UiProxyHandler, type UiProxyMatch, type InstallMetrics, type StorageUsage } from '../emulator/internals.ts';
/**
 * Record and replay: `emu.record(ext)` keeps every call of an install (request, host calls with
 * arguments and answers in full, answer) and `stop(file)` writes a cassette; `replay(cassette,
 * bundle)` runs a build against it offline (no emulator, storage or network: host calls are
 * answered from the cassette) and reports each difference (status, header, body, host call,
 * trap, link error) naming its call. Useful in CI: check today's build against yesterday's traffic.
 * @example
 * const report = await replay('test/traffic.cassette.json', '.');
 * expect(report.ok, formatReplayReport(report)).toBe(true);
 */
export { replay } from './replay.ts';
export {
  formatReplayReport,
  readCassette,
  CASSETTE_VERSION,
  type Cassette,
  type CassetteCall,
  type CassetteHostCall,
  type CassetteValue,
  type ReplayOptions,
  type ReplaySource,
  type ReplayReport,
  type ReplayedCall,
  type ReplayDifference,
  type HostCallDifference,
  type CallIdentity,
} from '../emulator/index.ts';
export { type Recording } from './recording.ts';
