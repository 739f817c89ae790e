import type { LogEvent } from './logs.ts';
import { callName, type LedgerInvocation } from './ledger.ts';

/** A point in an emulator's activity (`emu.activityMark()`); `emu.report(mark)` covers what came after. */
export interface ActivityMark {
  readonly ledger: number;
  readonly logs: number;
}

const MAX_VALUE_CHARS = 160;

/**
 * The text the harness prints when a test fails: each invocation since the mark with its host
 * calls (arguments with secrets already redacted, result or WIT error, duration) and its log lines.
 *
 * @example
 * formatActivity(invocations, logs)
 * // alga emulator: 1 invocation during this test
 * // ● request r-1 · tenant 0000…0001 · extension 5b1e…
 * //   storage.get({"namespace":"hello-host","key":"counter"}) → err missing (0.3 ms)
 * //   log info: POST /counter
 */
export function formatActivity(invocations: readonly LedgerInvocation[], logs: readonly LogEvent[]): string {
  const lines = [`alga emulator: ${invocations.length} invocation${invocations.length === 1 ? '' : 's'} during this test`];
  const shown = new Set<LogEvent>();
  for (const inv of invocations) {
    lines.push(`● request ${inv.requestId ?? '(none)'} · tenant ${inv.tenantId} · extension ${inv.extensionId}`);
    lines.push(`  grants: ${inv.grants.join(', ') || '(none)'}`);
    if (inv.calls.length === 0) lines.push('  (no host calls)');
    for (const call of inv.calls) {
      const outcome = call.outcome === 'ok' ? (call.result === undefined || call.result === null ? 'ok' : `ok ${clip(call.result)}`) : `${call.outcome} ${String(call.error ?? '')}`;
      // The arguments without the array's brackets, cut after the brackets come off so the cut shows.
      lines.push(`  ${callName(call)}(${cut(json(call.args ?? []).slice(1, -1))}) → ${outcome} (${call.durationMs.toFixed(1)} ms)`);
    }
    for (const event of logs.filter((e) => inv.requestId !== undefined && e.request_id === inv.requestId)) {
      shown.add(event);
      lines.push(`  log ${event.level}: ${event.message}`);
    }
  }
  const other = logs.filter((e) => !shown.has(e));
  if (other.length > 0) {
    lines.push('● other log lines');
    for (const event of other) lines.push(`  log ${event.level} [${event.request_id ?? 'no request'}]: ${event.message}`);
  }
  return lines.join('\n');
}

function clip(value: unknown): string {
  return cut(json(value));
}

function json(value: unknown): string {
  try {
    return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v)) ?? 'undefined';
  } catch {
    return String(value);
  }
}

function cut(text: string): string {
  return text.length > MAX_VALUE_CHARS ? `${text.slice(0, MAX_VALUE_CHARS - 1)}…` : text;
}
