/**
 * One emulator's metrics: the per-install roll-up of its executes, storage quota use, and the
 * registry's `extension_quota_usage` rows (which production declares and leaves empty). Read as
 * Prometheus text (`GET /api/emulator/metrics`) or as numbers (`emu.metrics(ext)`).
 */
import { Counter, Gauge, Registry as PromRegistry } from 'prom-client';
import type { Clock } from '../clock.ts';
import type { KvStore, StorageUsage } from '../capabilities/storage/kv-store.ts';
import type { Registry } from '../registry/registry.ts';
import type { QuotaUsageRow } from '../registry/statements.ts';
import type { ExecuteObserved, ExecuteOutcome } from '../runner/runner.ts';
import { ExecutionMetrics, egressOf, type InstallMetrics } from './execution-metrics.ts';

const HOUR_MS = 3_600_000;
const MIB = 1024 * 1024;
const INSTALL_LABELS = ['tenant', 'extension', 'install'] as const;

export interface EmulatorMetricsDeps {
  /** Receives the `extension_quota_usage` rows; none = not written (a bare Runner). */
  registry?: Pick<Registry, 'addQuotaUsage' | 'quotaUsage'>;
  /** Extension storage, read when the metrics are read. */
  storage: () => KvStore;
  /** Picks the quota window (the hour) of an invocation. */
  clock: Clock;
}

export class EmulatorMetrics {
  readonly executions = new ExecutionMetrics();
  readonly #deps: EmulatorMetricsDeps;
  readonly #prom = new PromRegistry();
  /** Quota usage not yet written, by tenant × extension × window: written when read, marked or closed. */
  readonly #pending = new Map<string, QuotaUsageRow>();

  constructor(deps: EmulatorMetricsDeps) {
    this.#deps = deps;
    this.#define();
  }

  /** The Runner's `onExecute`: counters in memory only (quota-usage rows are written later, in one go). */
  observe(outcome: ExecuteOutcome, request: ExecuteObserved): void {
    this.executions.record(outcome, request);
    const usage = outcome.usage;
    if (!this.#deps.registry || !usage?.installId || request.tenantId === '' || request.extensionId === '') return;
    const now = this.#deps.clock.now();
    const memoryMb = (usage.memoryBytes ?? usage.memoryLimitBytes) / MIB;
    const windowStart = now - (now % HOUR_MS);
    const key = `${request.tenantId}\u0000${request.extensionId}\u0000${windowStart}`;
    let row = this.#pending.get(key);
    if (!row) {
      row = { tenant_id: request.tenantId, registry_id: request.extensionId, window_start: new Date(windowStart).toISOString(), cpu_ms: 0, mem_mb_ms: 0, invocations: 0, egress_bytes: 0 };
      this.#pending.set(key, row);
    }
    row.cpu_ms += Math.round(usage.durationMs);
    row.mem_mb_ms += Math.round(memoryMb * usage.durationMs);
    row.invocations += 1;
    row.egress_bytes += egressOf(outcome.hostCalls).bytes;
  }

  /** Writes the pending quota usage to `extension_quota_usage` (before a savepoint, a read, or close). */
  flushQuotaUsage(): void {
    if (!this.#deps.registry) return;
    for (const row of this.#pending.values()) this.#deps.registry.addQuotaUsage(row);
    this.#pending.clear();
  }

  /** Forgets unwritten quota usage: the registry is going back to a savepoint taken before it. */
  dropPendingQuotaUsage(): void {
    this.#pending.clear();
  }

  /** An extension's `extension_quota_usage` rows in a tenant, pending usage included. */
  quotaUsage(tenantId: string, registryId: string): QuotaUsageRow[] {
    this.flushQuotaUsage();
    return this.#deps.registry?.quotaUsage(tenantId, registryId) ?? [];
  }

  /** One install's numbers, or undefined before its first call. */
  forInstall(tenantId: string, extensionId: string, installId: string): InstallMetrics | undefined {
    return this.executions.installs().find((m) => m.tenantId === tenantId && m.extensionId === extensionId && m.installId === installId);
  }

  /** Every install's storage use (read now, from the storage database). */
  storage(): StorageUsage[] {
    return this.#deps.storage().usage();
  }

  /** One install's storage use (zeros when it stores nothing). */
  storageOf(tenantId: string, installId: string): StorageUsage {
    return this.#deps.storage().usageOf({ tenantId, installId });
  }

  /** The Prometheus text exposition of everything above. */
  prometheus(): Promise<string> {
    this.flushQuotaUsage();
    return this.#prom.metrics();
  }

  /** Content type of `prometheus()`. */
  get contentType(): string {
    return this.#prom.contentType;
  }

  /** Metrics whose values are filled from the roll-up each time they are read. */
  #define(): void {
    const registers = [this.#prom];
    const installs = () => this.executions.installs();
    const labelsOf = (m: InstallMetrics) => ({ tenant: m.tenantId, extension: m.extensionId, install: m.installId });
    const perInstall = (name: string, help: string, value: (m: InstallMetrics) => number, kind: 'counter' | 'gauge') => {
      if (kind === 'gauge') {
        new Gauge({ name, help, labelNames: INSTALL_LABELS, registers, collect() { this.reset(); for (const m of installs()) this.set(labelsOf(m), value(m)); } });
      } else {
        new Counter({ name, help, labelNames: INSTALL_LABELS, registers, collect() { this.reset(); for (const m of installs()) this.inc(labelsOf(m), value(m)); } });
      }
    };
    new Counter({
      name: 'alga_ext_invocations_total', help: 'Executes by outcome (ok, timeout, or the envelope error code).', labelNames: [...INSTALL_LABELS, 'outcome'], registers,
      collect() {
        this.reset();
        for (const m of installs()) for (const [outcome, n] of Object.entries(m.invocations)) this.inc({ ...labelsOf(m), outcome }, n);
      },
    });
    perInstall('alga_ext_invocation_duration_seconds_total', 'Wall time of all executes, in seconds.', (m) => m.durationMsTotal / 1000, 'counter');
    perInstall('alga_ext_invocation_duration_seconds_max', 'Longest execute, in seconds.', (m) => m.durationMsMax / 1000, 'gauge');
    perInstall('alga_ext_guest_memory_high_water_bytes', 'Highest guest linear memory seen after a call (the instance high-water mark).', (m) => m.memoryBytesMax, 'gauge');
    perInstall('alga_ext_guest_memory_limit_bytes', 'limits.memory_mb of the latest call, in bytes.', (m) => m.memoryLimitBytes, 'gauge');
    new Counter({
      name: 'alga_ext_host_calls_total', help: 'Host calls by WIT interface and outcome (ok, err, trap).', labelNames: [...INSTALL_LABELS, 'interface', 'outcome'], registers,
      collect() {
        this.reset();
        for (const m of installs()) {
          for (const [iface, byOutcome] of Object.entries(m.hostCalls)) for (const [outcome, n] of Object.entries(byOutcome)) this.inc({ ...labelsOf(m), interface: iface, outcome }, n);
        }
      },
    });
    perInstall('alga_ext_egress_requests_total', 'http.fetch requests that left the host.', (m) => m.egressRequests, 'counter');
    perInstall('alga_ext_egress_bytes_total', 'Request plus response body bytes of those requests.', (m) => m.egressBytes, 'counter');
    for (const [name, help, value] of [
      ['alga_ext_storage_namespaces', 'Storage namespaces in use (quota 32).', (u: StorageUsage) => u.namespaces],
      ['alga_ext_storage_keys', 'Storage keys in use, all namespaces.', (u: StorageUsage) => u.keys],
      ['alga_ext_storage_bytes', 'Storage bytes in use, values measured as JSON-quoted base64 (quota 256 MiB).', (u: StorageUsage) => u.bytes],
    ] as const) {
      const usage = () => this.storage();
      new Gauge({
        name, help, labelNames: ['tenant', 'install'], registers,
        collect() {
          this.reset();
          for (const u of usage()) this.set({ tenant: u.tenantId, install: u.installId }, value(u));
        },
      });
    }
  }
}

