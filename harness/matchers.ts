/**
 * Vitest matchers over the capability ledger. Import once for its side effect (in a test file or
 * a `setupFiles` entry):
 *
 * @example
 * import 'alga-extension-emulator/harness/matchers';
 * const res = await emu.invoke(ext, { method: 'POST', path: '/counter' });
 * expect(res).toHaveCalledCapability('storage.put', { namespace: 'hello-host', key: 'counter' });
 * expect(res).not.toHaveCalledCapability('http.fetch');
 * expect(emu.ledger).toStayWithinGrants();
 */
import { expect } from 'vitest';
import type { HostCallRecord } from '../emulator/internals.ts';
import { callName, capabilityOf, manifestFix, namedArgs, normalizeCallName, type CapabilityLedger, type LedgerInvocation } from './ledger.ts';

/** What `toHaveCalledCapability` accepts: a call's result, its host calls, or a whole ledger. */
export type HostCallSource = { hostCalls: readonly HostCallRecord[] } | readonly HostCallRecord[] | Pick<CapabilityLedger, 'entries'>;

/** What `toStayWithinGrants` accepts: `emu.ledger` or its invocations. */
export type GrantedCallSource = Pick<CapabilityLedger, 'invocations'> | readonly LedgerInvocation[];

interface LedgerMatchers<R = unknown> {
  /**
   * Passes when a host call named `interface.function` (`storage.put`, `secrets.get`,
   * `http.fetch`) was made and, when given, its arguments by WIT name contain `args`.
   * @example expect(res).toHaveCalledCapability('storage.get', { key: 'counter' })
   */
  toHaveCalledCapability(name: string, args?: Record<string, unknown>): R;
  /**
   * Passes when every host call had the capability it needs; fails listing each one that did not,
   * with the manifest line that would allow it.
   * @example expect(emu.ledger).toStayWithinGrants()
   */
  toStayWithinGrants(): R;
}

declare module 'vitest' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type, @typescript-eslint/no-explicit-any
  interface Matchers<T = any> extends LedgerMatchers<T> {}
}

const MAX_LINE_CHARS = 300;

/**
 * One call as the matchers print it.
 * @example formatCall(record, 0) // '  1. storage.get("hello-host","counter") → err missing'
 */
export function formatCall(call: HostCallRecord, index: number): string {
  const args = JSON.stringify(call.args ?? []).slice(1, -1);
  const outcome = call.outcome === 'ok' ? 'ok' : `${call.outcome} ${call.error ?? ''}`.trimEnd();
  const line = `  ${index + 1}. ${callName(call)}(${args}) → ${outcome}`;
  return line.length > MAX_LINE_CHARS ? `${line.slice(0, MAX_LINE_CHARS - 1)}…` : line;
}

function callList(calls: readonly HostCallRecord[]): string {
  return calls.length === 0 ? 'Calls made: none.' : [`Calls made (${calls.length}):`, ...calls.map(formatCall)].join('\n');
}

function hostCallsOf(received: unknown): HostCallRecord[] | undefined {
  if (Array.isArray(received)) return received as HostCallRecord[];
  if (received && typeof received === 'object') {
    if (Array.isArray((received as { hostCalls?: unknown }).hostCalls)) return [...(received as { hostCalls: HostCallRecord[] }).hostCalls];
    if (typeof (received as { entries?: unknown }).entries === 'function' && !(received instanceof Map)) return (received as CapabilityLedger).entries();
  }
  return undefined;
}

function invocationsOf(received: unknown): LedgerInvocation[] | undefined {
  if (Array.isArray(received)) return received as LedgerInvocation[];
  if (received && typeof received === 'object' && typeof (received as { invocations?: unknown }).invocations === 'function') {
    return (received as CapabilityLedger).invocations();
  }
  return undefined;
}

function describeReceived(received: unknown): string {
  if (received === null) return 'null';
  if (Array.isArray(received)) return 'an array';
  return typeof received === 'object' ? `an object with keys ${Object.keys(received).join(', ') || '(none)'}` : typeof received;
}

expect.extend({
  toHaveCalledCapability(received: unknown, name: string, args?: Record<string, unknown>) {
    const calls = hostCallsOf(received);
    if (!calls) {
      return {
        pass: false,
        message: () => `toHaveCalledCapability expects an InvokeResult, an ExecuteResult, a HostCallRecord[] or emu.ledger, got ${describeReceived(received)}.`,
      };
    }
    const wanted = normalizeCallName(name);
    const named = calls.filter((c) => callName(c) === wanted);
    const matching = args === undefined ? named : named.filter((c) => this.equals(namedArgs(c), expect.objectContaining(args)));
    const what = args === undefined ? wanted : `${wanted} with ${JSON.stringify(args)}`;
    if (matching.length > 0) {
      return {
        pass: true,
        message: () => [`Expected no call to ${what}, but found ${matching.length}:`, ...matching.map(formatCall)].join('\n'),
      };
    }
    const why = named.length === 0 ? 'there was none' : `none of its ${named.length} call${named.length === 1 ? '' : 's'} matched`;
    return { pass: false, message: () => `Expected a call to ${what}, but ${why}.\n${callList(calls)}` };
  },

  toStayWithinGrants(received: unknown) {
    const invocations = invocationsOf(received);
    if (!invocations) {
      return { pass: false, message: () => `toStayWithinGrants expects emu.ledger or its invocations(), got ${describeReceived(received)}.` };
    }
    const outside: string[] = [];
    let total = 0;
    for (const invocation of invocations) {
      const grants = new Set(invocation.grants);
      for (const call of invocation.calls) {
        const capability = capabilityOf(call);
        total += 1;
        if (capability === undefined || grants.has(capability)) continue;
        outside.push(`${formatCall(call, outside.length)} (request ${invocation.requestId ?? 'none'}) needs ${capability}: ${manifestFix(capability)}`);
      }
    }
    if (outside.length === 0) {
      return { pass: true, message: () => `Expected a host call outside the grants, but all ${total} call${total === 1 ? ' was' : 's were'} granted.` };
    }
    const count = outside.length === 1 ? '1 call was' : `${outside.length} calls were`;
    return { pass: false, message: () => [`Expected every host call to stay within its grants, but ${count} not granted:`, ...outside].join('\n') };
  },
});
