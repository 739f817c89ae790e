import { setTimeout as sleep } from 'node:timers/promises';
import { EmulatorError } from '../../errors.ts';
import { WitError, type InvocationScope } from '../../contracts/invocation.ts';
import { witName } from '../../wit/world.ts';
import { faultCatalog, type FaultCatalog, type FaultTarget } from './wit-errors.ts';

const WIT_PREFIX = 'alga:extension/';
const DEFAULT_MESSAGE = 'injected fault';

/**
 * One planned failure of host calls. Applies to admitted calls only: a call the guest is not
 * granted (or whose egress host is not allowed) fails as in production and uses up nothing.
 *
 * @example plan.inject({ capability: 'storage.put', error: 'internal', times: 2 })
 */
export interface FaultRule {
  /**
   * `'storage.put'` (interface short name, a dot, the function as the ledger names it; WIT
   * kebab-case `secrets.list-keys` works too) or `'storage'` for every function of it.
   */
  capability: string;
  /**
   * The WIT error case the guest gets instead of the real call (`'internal'`, `'transport'`, …):
   * one of the function's error enum. Capability-wide, it applies to the functions whose enum has it.
   */
  error?: string;
  /** Why, for the debug stream (default `"injected fault"`); the guest sees only the error case. */
  message?: string;
  /** Real milliseconds to wait before the call (or before answering `error`). */
  latencyMs?: number;
  /** How many calls it applies to; default 1, `Infinity` until cleared. */
  times?: number;
  /** Only calls of this tenant. */
  tenantId?: string;
  /** Only calls of this extension (registry id, `ext.registryId`). */
  extensionId?: string;
}

/** A rule as the plan holds it: names resolved, defaults filled in. */
export interface ResolvedFaultRule {
  /** `storage.put`, or `storage` for every function. */
  capability: string;
  error: string | undefined;
  message: string;
  latencyMs: number;
  times: number;
  tenantId: string | undefined;
  extensionId: string | undefined;
}

/**
 * An injected rule: how many calls it has left. Live: `remaining` drops as calls use it.
 *
 * @example const fault = plan.inject({ capability: 'http.fetch', error: 'transport' }); fault.remaining // 1
 */
export interface FaultHandle {
  readonly rule: Readonly<ResolvedFaultRule>;
  /** Calls it still applies to (`Infinity` for `times: Infinity`). */
  readonly remaining: number;
  /** Calls it has applied to so far. */
  readonly used: number;
}

/** What to do to one host call. */
export interface AppliedFault {
  /** `storage.put`: the call the fault applies to. */
  call: string;
  error: string | undefined;
  message: string;
  latencyMs: number;
}

/** The call a fault may apply to. */
export interface FaultCall {
  iface: string;
  fn: string;
  tenantId: string;
  extensionId: string;
}

class Entry implements FaultHandle {
  readonly rule: Readonly<ResolvedFaultRule>;
  readonly targets: ReadonlySet<string>;
  used = 0;

  constructor(rule: ResolvedFaultRule, targets: readonly FaultTarget[]) {
    this.rule = Object.freeze(rule);
    this.targets = new Set(targets.map((t) => `${t.iface}#${t.fn}`));
  }

  get remaining(): number {
    return this.rule.times - this.used;
  }
}

/**
 * Planned host-call failures of one Runner (`runner.faults`), consulted by the worker pool for
 * each host call after the capability's own grant checks. The oldest matching rule with calls
 * left applies; nothing here is shared between Runners.
 *
 * @example
 * runner.faults.inject({ capability: 'storage.put', error: 'internal', times: 2 });
 * runner.faults.inject({ capability: 'http.fetch', latencyMs: 250 });
 */
export class FaultPlan {
  readonly #catalog: FaultCatalog;
  #entries: Entry[] = [];

  constructor(catalog: FaultCatalog = faultCatalog()) {
    this.#catalog = catalog;
  }

  /** Adds a rule; FAULT_INVALID names the valid capabilities, functions or error cases. */
  inject(rule: FaultRule): FaultHandle {
    const { resolved, targets } = resolveRule(this.#catalog, rule);
    const entry = new Entry(resolved, targets);
    this.#entries.push(entry);
    return entry;
  }

  /** Drops every rule, used up or not. */
  clear(): void {
    this.#entries = [];
  }

  /** A snapshot part: restoring brings back the rules, with the calls they had left, at the capture. */
  capture(): () => void {
    const kept = this.#entries.map((entry) => [entry, entry.used] as const);
    return () => {
      for (const [entry, used] of kept) entry.used = used;
      this.#entries = kept.map(([entry]) => entry);
    };
  }

  /** The rules with calls left, oldest first. */
  pending(): FaultHandle[] {
    return this.#entries.filter((e) => e.remaining > 0);
  }

  /**
   * The fault for this call, using up one call of the rule, or undefined. `admitted` (the
   * capability's grant checks) is asked only when a rule matches; a refused call uses nothing.
   */
  take(call: FaultCall, admitted: () => boolean): AppliedFault | undefined {
    const entry = this.#entries.find((e) => e.remaining > 0 && matches(e, call));
    if (!entry || !admitted()) return undefined;
    entry.used += 1;
    this.#entries = this.#entries.filter((e) => e.remaining > 0);
    const name = `${shortName(call.iface)}.${call.fn}`;
    return { call: name, error: entry.rule.error, message: entry.rule.message, latencyMs: entry.rule.latencyMs };
  }
}

function matches(entry: Entry, call: FaultCall): boolean {
  return (
    entry.targets.has(`${call.iface}#${call.fn}`) &&
    (entry.rule.tenantId === undefined || entry.rule.tenantId === call.tenantId) &&
    (entry.rule.extensionId === undefined || entry.rule.extensionId === call.extensionId)
  );
}

/**
 * Waits the fault's latency, then answers its WIT error (a debug event says so). Returns
 * normally when the real call should run.
 */
export async function applyFault(fault: AppliedFault, scope: InvocationScope): Promise<void> {
  if (fault.latencyMs > 0) await waitAtLeast(fault.latencyMs);
  if (fault.error === undefined) {
    scope.emit('debug', `fault injected: ${fault.call} delayed ${fault.latencyMs} ms (${fault.message})`);
    return;
  }
  scope.emit('debug', `fault injected: ${fault.call} answered ${fault.error} (${fault.message})`);
  throw new WitError(fault.error, fault.message);
}

/**
 * Waits at least `ms` of real time as `performance.now()` measures it, which the ledger's
 * `durationMs` uses. A timer alone can end up to a millisecond early: the event loop keeps its
 * time in whole milliseconds (a 150 ms injected latency was once recorded as 149.99 ms).
 */
async function waitAtLeast(ms: number): Promise<void> {
  const until = performance.now() + ms;
  for (let left = ms; left > 0; left = until - performance.now()) await sleep(left);
}

function shortName(iface: string): string {
  return iface.startsWith(WIT_PREFIX) ? iface.slice(WIT_PREFIX.length) : iface;
}

function invalid(reason: string): EmulatorError {
  return new EmulatorError('FAULT_INVALID', `Failed to inject a fault: ${reason}`);
}

/** Checks a rule against the catalog and fills in the defaults; never changes `rule`. */
function resolveRule(catalog: FaultCatalog, rule: FaultRule): { resolved: ResolvedFaultRule; targets: FaultTarget[] } {
  if (rule === null || typeof rule !== 'object') throw invalid(`expected a rule object, got ${String(rule)}. Pass e.g. { capability: 'storage.put', error: 'internal' }.`);
  const { capability, fn, functions } = resolveTarget(catalog, rule.capability);
  const latencyMs = rule.latencyMs ?? 0;
  if (typeof latencyMs !== 'number' || !Number.isFinite(latencyMs) || latencyMs < 0) {
    throw invalid(`latencyMs must be a finite number of milliseconds ≥ 0, got ${String(rule.latencyMs)}. Pass e.g. latencyMs: 250.`);
  }
  const times = rule.times ?? 1;
  if (typeof times !== 'number' || !(Number.isInteger(times) || times === Number.POSITIVE_INFINITY) || times < 1) {
    throw invalid(`times must be a whole number ≥ 1 or Infinity, got ${String(rule.times)}. Pass how many calls should fail, e.g. times: 2.`);
  }
  if (rule.error === undefined && latencyMs === 0) {
    throw invalid(`the rule for ${capability} has neither error nor latencyMs, so it would change nothing. Add error (e.g. 'internal'), latencyMs (e.g. 100), or both.`);
  }
  const targets = rule.error === undefined ? functions : errorTargets(capability, fn, functions, rule.error);
  const resolved: ResolvedFaultRule = {
    capability,
    error: rule.error,
    message: rule.message ?? DEFAULT_MESSAGE,
    latencyMs,
    times,
    tenantId: rule.tenantId,
    extensionId: rule.extensionId,
  };
  return { resolved, targets };
}

/** `storage.put` → that function; `storage` → all of them; anything else is FAULT_INVALID. */
function resolveTarget(catalog: FaultCatalog, raw: unknown): { capability: string; fn: string | undefined; functions: FaultTarget[] } {
  const names = [...catalog.keys()];
  if (typeof raw !== 'string' || raw.trim() === '') {
    throw invalid(`capability must be a name like 'storage.put' or 'storage', got ${JSON.stringify(raw) ?? String(raw)}. Use one of: ${names.join(', ')}.`);
  }
  const trimmed = shortName(raw.trim());
  const dot = trimmed.lastIndexOf('.');
  const iface = dot < 0 ? trimmed : trimmed.slice(0, dot);
  const all = catalog.get(iface);
  if (!all) throw invalid(`unknown capability "${iface}" in "${raw}". Use one of: ${names.join(', ')}.`);
  if (dot < 0) return { capability: iface, fn: undefined, functions: [...all] };
  const wanted = trimmed.slice(dot + 1);
  const target = all.find((t) => t.fn === wanted || witName(t.fn) === wanted);
  if (!target) {
    throw invalid(`${iface} has no function "${wanted}". Use one of: ${all.map((t) => t.name).join(', ')}, or "${iface}" for all of them.`);
  }
  return { capability: target.name, fn: target.fn, functions: [target] };
}

/** The functions `error` can apply to, or FAULT_INVALID listing the cases that exist. */
function errorTargets(capability: string, fn: string | undefined, functions: FaultTarget[], error: string): FaultTarget[] {
  const single = fn === undefined ? undefined : functions[0];
  if (single) {
    if (single.errorType === undefined) {
      throw invalid(`${single.name} returns no WIT result, so it cannot answer an error ("${error}"). Inject latencyMs only, or target a function that returns a result.`);
    }
    if (!single.variants.includes(error)) {
      throw invalid(`${JSON.stringify(error)} is not a case of ${single.errorType}, the error type of ${single.name}. Use one of: ${single.variants.join(', ')}.`);
    }
    return [single];
  }
  const withError = functions.filter((f) => f.variants.includes(error));
  if (withError.length === 0) {
    const cases = [...new Set(functions.flatMap((f) => f.variants))];
    const fix = cases.length === 0 ? `None of its functions returns a WIT result: inject latencyMs only.` : `Use one of: ${cases.join(', ')}.`;
    throw invalid(`no function of ${capability} has the error case ${JSON.stringify(error)}. ${fix}`);
  }
  return withError;
}
