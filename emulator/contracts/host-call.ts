/** One host call the guest made, in order (the harness's capability ledger builds on it). */
export interface HostCallRecord {
  interface: string;
  function: string;
  outcome: 'ok' | 'err' | 'trap';
  /** The WIT error payload (`err`) or the trap message (`trap`). */
  error?: string;
  durationMs: number;
  /** The invocation's request id (from its scope); always set by the pool (optional for hand-made records). */
  requestId?: string | undefined;
  /**
   * The arguments as JSON-safe values: bigint → string, bytes → `{ bytes, utf8? }` (256-char
   * preview), any value equal to one of the invocation's secrets → `"[redacted]"`. Always set by the pool.
   */
  args?: unknown[];
  /** The returned value on `ok`, made JSON-safe the same way (`secrets.get` always `"[redacted]"`). */
  result?: unknown;
  /** Set when a fault of the Runner's FaultPlan (`emu.faults`) answered this call or delayed it. */
  injected?: true;
}

/** The world's package prefix, dropped from short call names. */
const WIT_PREFIX = 'alga:extension/';

/**
 * A call's short name: interface without `alga:extension/`, a dot, the jco function name.
 *
 * @example hostCallName({ interface: 'alga:extension/storage', function: 'put' }) // 'storage.put'
 */
export function hostCallName(call: Pick<HostCallRecord, 'interface' | 'function'>): string {
  const iface = call.interface.startsWith(WIT_PREFIX) ? call.interface.slice(WIT_PREFIX.length) : call.interface;
  return `${iface}.${call.function}`;
}
