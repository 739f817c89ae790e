import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../clock.ts';
import type { KvStore } from '../capabilities/storage/kv-store.ts';
import type { QuotaUsageRow } from '../registry/statements.ts';
import type { ExecuteOutcome } from '../runner/runner.ts';
import { EmulatorMetrics } from './emulator-metrics.ts';
import { outcomeOf } from './execution-metrics.ts';

const MIB = 1024 * 1024;

function fakeRegistry() {
  const rows: QuotaUsageRow[] = [];
  return {
    rows,
    addQuotaUsage: (row: QuotaUsageRow) => void rows.push({ ...row }),
    quotaUsage: (tenantId: string, registryId: string) => rows.filter((r) => r.tenant_id === tenantId && r.registry_id === registryId),
  };
}

const fetchCall = (outcome: 'ok' | 'err', error?: string) => ({
  interface: 'alga:extension/http', function: 'fetch', outcome, error, durationMs: 1,
  args: [{ method: 'POST', url: 'https://api.example.com', headers: [], body: { bytes: 10 } }],
  result: outcome === 'ok' ? { status: 200, headers: [], body: { bytes: 32 } } : undefined,
});

const outcome = (over: Partial<ExecuteOutcome> = {}): ExecuteOutcome => ({
  envelope: { status: 200, headers: {}, body_b64: null, error: null },
  hostCalls: [fetchCall('ok'), fetchCall('err', 'transport'), fetchCall('err', 'not-allowed')],
  usage: { durationMs: 40, memoryBytes: 2 * MIB, memoryLimitBytes: 256 * MIB, installId: 'i-1' },
  ...over,
});

describe('EmulatorMetrics', () => {
  it('should count egress (request plus response body bytes) only for fetches that left the host, and sum quota usage per hour until it is read', () => {
    const registry = fakeRegistry();
    const clock = new VirtualClock(Date.parse('2026-01-01T10:59:00Z'));
    const metrics = new EmulatorMetrics({ registry, storage: () => ({}) as KvStore, clock });
    const request = { tenantId: 't', extensionId: 'e', requestId: undefined };
    metrics.observe(outcome(), request);
    metrics.observe(outcome({ usage: { durationMs: 10, memoryBytes: undefined, memoryLimitBytes: 64 * MIB, installId: 'i-1' } }), request);
    clock.advance(60_000);
    metrics.observe(outcome(), request);
    expect(registry.rows).toEqual([]);
    expect(metrics.forInstall('t', 'e', 'i-1')).toMatchObject({ invocations: { ok: 3 }, egressRequests: 6, egressBytes: 3 * (42 + 10), durationMsTotal: 90, durationMsMax: 40, memoryBytesMax: 2 * MIB, memoryLimitBytes: 256 * MIB });
    expect(metrics.quotaUsage('t', 'e')).toEqual([
      { tenant_id: 't', registry_id: 'e', window_start: '2026-01-01T10:00:00.000Z', cpu_ms: 50, mem_mb_ms: 80 + 640, invocations: 2, egress_bytes: 2 * 52 },
      { tenant_id: 't', registry_id: 'e', window_start: '2026-01-01T11:00:00.000Z', cpu_ms: 40, mem_mb_ms: 80, invocations: 1, egress_bytes: 52 },
    ]);
    metrics.observe(outcome(), request);
    metrics.dropPendingQuotaUsage();
    metrics.flushQuotaUsage();
    expect(registry.rows).toHaveLength(2);
  });

  it('should write no quota usage for an execute without an install id', () => {
    const registry = fakeRegistry();
    const metrics = new EmulatorMetrics({ registry, storage: () => ({}) as KvStore, clock: new VirtualClock(0) });
    metrics.observe(outcome({ usage: { durationMs: 1, memoryBytes: 0, memoryLimitBytes: 0, installId: undefined } }), { tenantId: 't', extensionId: 'e', requestId: undefined });
    metrics.flushQuotaUsage();
    expect([registry.rows, metrics.executions.installs().map((m) => m.installId)]).toEqual([[], ['']]);
  });

  it.each([
    [null, 'ok'],
    ['execute_failed: wasm trap: interrupt (limits.timeout_ms 50 exceeded)', 'timeout'],
    ['execute_failed: wasm trap: unreachable', 'execute_failed'],
    ['bundle_fetch_failed: missing', 'bundle_fetch_failed'],
  ])('should label the envelope error %j as %s', (error, label) => {
    expect(outcomeOf({ status: 500, headers: {}, body_b64: null, error })).toBe(label);
  });
});
