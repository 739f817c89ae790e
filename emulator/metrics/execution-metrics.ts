/**
 * Per-install roll-up of every execute of one emulator: invocations by outcome, duration, guest
 * memory, host calls by interface and outcome, egress (http.fetch) requests and bytes. The hot
 * path only adds to plain counters; the Prometheus text is built when someone reads it.
 */
import type { HostCallRecord } from '../contracts/host-call.ts';
import type { ExecuteObserved, ExecuteOutcome } from '../runner/runner.ts';

/** The numbers of one install (tenant × extension × install id). */
export interface InstallMetrics {
  tenantId: string;
  extensionId: string;
  /** `''` for executes that carried no install id. */
  installId: string;
  /** Invocations by outcome: `ok`, `timeout`, or the envelope's error code (`execute_failed`, …). */
  invocations: Record<string, number>;
  durationMsTotal: number;
  durationMsMax: number;
  /** Highest guest linear memory seen after a call, in bytes (0 before a call completes). */
  memoryBytesMax: number;
  /** `limits.memory_mb` of the latest call, in bytes. */
  memoryLimitBytes: number;
  /** Host calls by WIT interface (`alga:extension/storage`) and outcome (`ok`, `err`, `trap`). */
  hostCalls: Record<string, Record<string, number>>;
  /** http.fetch calls that reached the network (outcome ok or err). */
  egressRequests: number;
  /** Request plus response body bytes of those calls. */
  egressBytes: number;
}

const HTTP_IFACE = 'alga:extension/http';

/** The outcome label of an execute's envelope. */
export function outcomeOf(envelope: ExecuteOutcome['envelope']): string {
  if (envelope.error === null) return 'ok';
  if (envelope.error.includes('wasm trap: interrupt')) return 'timeout';
  return envelope.error.split(':')[0] ?? 'error';
}

/**
 * The http.fetch calls that left the host (answered, or failed in transport; a fetch the guard
 * refused with `not-allowed`/`invalid-url` never did) and their request plus response body bytes.
 */
export function egressOf(calls: readonly HostCallRecord[]): { requests: number; bytes: number } {
  let requests = 0;
  let bytes = 0;
  for (const call of calls) {
    if (call.interface === HTTP_IFACE && call.function === 'fetch' && (call.outcome === 'ok' || call.error === 'transport')) {
      requests += 1;
      bytes += bodyBytes(call.args?.[0]) + bodyBytes(call.result);
    }
  }
  return { requests, bytes };
}

function bodyBytes(value: unknown): number {
  const body = (value as { body?: { bytes?: unknown } } | null | undefined)?.body;
  return typeof body?.bytes === 'number' ? body.bytes : 0;
}

/** One emulator's metrics, in memory; `capture()` lets harness snapshots rewind them. */
export class ExecutionMetrics {
  #installs = new Map<string, InstallMetrics>();

  /** Adds one execute (the Runner's `onExecute`). Cheap: counters only. */
  record(outcome: ExecuteOutcome, request: ExecuteObserved): void {
    const usage = outcome.usage;
    const installId = usage?.installId ?? '';
    const key = `${request.tenantId}\u0000${request.extensionId}\u0000${installId}`;
    let m = this.#installs.get(key);
    if (!m) {
      m = { tenantId: request.tenantId, extensionId: request.extensionId, installId, invocations: {}, durationMsTotal: 0, durationMsMax: 0, memoryBytesMax: 0, memoryLimitBytes: 0, hostCalls: {}, egressRequests: 0, egressBytes: 0 };
      this.#installs.set(key, m);
    }
    const label = outcomeOf(outcome.envelope);
    m.invocations[label] = (m.invocations[label] ?? 0) + 1;
    if (usage) {
      m.durationMsTotal += usage.durationMs;
      m.durationMsMax = Math.max(m.durationMsMax, usage.durationMs);
      m.memoryBytesMax = Math.max(m.memoryBytesMax, usage.memoryBytes ?? 0);
      m.memoryLimitBytes = usage.memoryLimitBytes;
    }
    for (const call of outcome.hostCalls) {
      const byOutcome = (m.hostCalls[call.interface] ??= {});
      byOutcome[call.outcome] = (byOutcome[call.outcome] ?? 0) + 1;
    }
    const egress = egressOf(outcome.hostCalls);
    m.egressRequests += egress.requests;
    m.egressBytes += egress.bytes;
  }

  /** Every install's numbers (copies), in first-seen order. */
  installs(): InstallMetrics[] {
    return [...this.#installs.values()].map(copyOf);
  }

  /** Captures the numbers; the returned function puts them back (harness snapshots). */
  capture(): () => void {
    const kept = new Map([...this.#installs].map(([k, v]) => [k, copyOf(v)]));
    return () => {
      this.#installs = new Map([...kept].map(([k, v]) => [k, copyOf(v)]));
    };
  }
}

function copyOf(m: InstallMetrics): InstallMetrics {
  return { ...m, invocations: { ...m.invocations }, hostCalls: Object.fromEntries(Object.entries(m.hostCalls).map(([k, v]) => [k, { ...v }])) };
}
