/**
 * What the package's own harness needs beyond the public API (`index.ts`): the registry's and
 * Runner's building blocks the test helpers drive directly. Exported as
 * `alga-extension-emulator/internals` so the harness depends on entry points, not on file paths;
 * it is not a stable API for authors and may change with any release.
 */
export { DEFAULT_CAPABILITIES, KNOWN_CAPABILITIES, resolveGrants, type CapabilityString } from './capabilities/index.ts';
export type { KvEntry, KvScope, KvStore, StorageUsage } from './capabilities/storage/kv-store.ts';
export type { UiProxyHandler, UiProxyMatch } from './capabilities/ui-proxy/local-backend.ts';
export type { InstallMetrics } from './metrics/execution-metrics.ts';
export type { QuotaUsageRow } from './registry/statements.ts';
export type { DebugEvent } from './contracts/debug-event.ts';
export { WitError } from './contracts/invocation.ts';
export { DebugEventHub } from './debug/debug-event-hub.ts';
export { describeError } from './errors.ts';
export { seededUserId, type EmulatorUser, type NewUser, type SeededRole } from './registry/identity.ts';
export type { InstallConfig } from './registry/install-state.ts';
export { hostCallName, type HostCallRecord } from './contracts/host-call.ts';
export type { ExecuteObserved } from './runner/runner.ts';
export type { BridgeLogEntry } from './shell/app/lib/message-log.ts';
export { THEME_STORAGE_KEY } from './shell/app/lib/theme.ts';
export type { ShellAutomation } from './shell/app/ui/automation.ts';
export type { Rewindable } from './sqlite-savepoints.ts';
export type { PsaStore } from './psa/psa-store.ts';
export type { FixtureClient, FixtureInvoice, FixtureInvoiceItem, FixtureMode, FixtureService, FixtureTaxRate, PsaFixture, PsaFixtureData } from './psa/fixture.ts';
export type { PsaInvoice, PsaInvoiceItem } from './psa/invoices.ts';
export type { ScheduleView } from './registry/schedules.ts';
export type { ScheduleRun, ScheduledExecuteBody } from './scheduler/schedule-timer.ts';
