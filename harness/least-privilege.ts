import { DEFAULT_CAPABILITIES, KNOWN_CAPABILITIES } from '../emulator/internals.ts';
import { callName, capabilityOf, manifestFix, type LedgerInvocation } from './ledger.ts';

/** A host call the guest made without the capability it needs. */
export interface DeniedCall {
  /** The capability string that would have allowed it, e.g. `cap:http.fetch`. */
  capability: string;
  /** The call's short name, e.g. `http.fetch`. */
  call: string;
  /** The manifest change that grants it. */
  fix: string;
  /** How many times it was called without the grant. */
  count: number;
}

/**
 * After a run: what was granted, what the guest used, what it could do without, and what it
 * tried without a grant. Plain JSON (write it out for CI with `JSON.stringify`).
 */
export interface LeastPrivilegeReport {
  /** Every capability granted to at least one invocation (defaults included), in registry order. */
  granted: string[];
  /** Granted capabilities a host call needed. */
  used: string[];
  /** Granted, never needed, and not one of the always-granted defaults: candidates to remove. */
  unused: string[];
  /** Calls made without their capability, one entry per call name. */
  denied: DeniedCall[];
}

const ORDER = new Map<string, number>(KNOWN_CAPABILITIES.map((c, i) => [c, i]));
const DEFAULTS = new Set<string>(DEFAULT_CAPABILITIES);

function sorted(caps: Iterable<string>): string[] {
  return [...caps].sort((a, b) => (ORDER.get(a) ?? 99) - (ORDER.get(b) ?? 99) || a.localeCompare(b));
}

/**
 * Computes the report over some invocations (a ledger's, optionally filtered to one extension).
 *
 * @example
 * const report = leastPrivilege(emu.ledger.invocations());
 * report.unused; // ['cap:secrets.get', 'cap:http.fetch']
 */
export function leastPrivilege(invocations: readonly LedgerInvocation[]): LeastPrivilegeReport {
  const granted = new Set<string>();
  const used = new Set<string>();
  const denied = new Map<string, DeniedCall>();
  for (const invocation of invocations) {
    const grants = new Set(invocation.grants);
    for (const cap of grants) granted.add(cap);
    for (const call of invocation.calls) {
      const capability = capabilityOf(call);
      if (capability === undefined) continue;
      if (grants.has(capability)) {
        used.add(capability);
        continue;
      }
      const name = callName(call);
      const seen = denied.get(name);
      if (seen) seen.count += 1;
      else denied.set(name, { capability, call: name, fix: manifestFix(capability), count: 1 });
    }
  }
  return {
    granted: sorted(granted),
    used: sorted(used),
    unused: sorted([...granted].filter((c) => !used.has(c) && !DEFAULTS.has(c))),
    denied: [...denied.values()].sort((a, b) => (ORDER.get(a.capability) ?? 99) - (ORDER.get(b.capability) ?? 99) || a.call.localeCompare(b.call)),
  };
}

/**
 * The report as text for a terminal or CI log.
 *
 * @example
 * console.log(formatLeastPrivilege(emu.leastPrivilege('hello-host')));
 * // Least privilege: 6 granted, 2 used, 2 unused, 0 denied
 * // unused (remove from "capabilities" in manifest.json): cap:secrets.get, cap:http.fetch
 */
export function formatLeastPrivilege(report: LeastPrivilegeReport): string {
  const list = (caps: readonly string[]) => (caps.length === 0 ? 'none' : caps.join(', '));
  const lines = [
    `Least privilege: ${report.granted.length} granted, ${report.used.length} used, ${report.unused.length} unused, ${report.denied.length} denied`,
    `granted: ${list(report.granted)}`,
    `used: ${list(report.used)}`,
    `unused (remove from "capabilities" in manifest.json): ${list(report.unused)}`,
  ];
  if (report.denied.length === 0) lines.push('denied: none');
  else {
    lines.push('denied:');
    for (const d of report.denied) lines.push(`  ${d.call} ×${d.count} needs ${d.capability}: ${d.fix}`);
  }
  return lines.join('\n');
}
