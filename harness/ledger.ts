import { CAPABILITIES } from '../emulator/index.ts';
import { hostCallName, resolveGrants, type CapabilityString, type HostCallRecord } from '../emulator/internals.ts';

/** One execute the Runner ran: its host calls and the grants it ran with (defaults included). */
export interface LedgerInvocation {
  requestId: string | undefined;
  tenantId: string;
  extensionId: string;
  /** Capability strings in force for this call, after trim/lowercase and the defaults. */
  grants: string[];
  calls: HostCallRecord[];
}

/**
 * Every host call of every invocation of one emulator, in order (`emu.ledger`).
 *
 * @example
 * await emu.invoke(ext, { method: 'POST', path: '/counter' });
 * emu.ledger.entries().map(callName); // ['logging.logInfo', 'storage.get', 'storage.put']
 * expect(emu.ledger).toStayWithinGrants();
 */
export interface CapabilityLedger {
  /** Every recorded host call, oldest first. */
  entries(): HostCallRecord[];
  /** The host calls of one request id (`res.requestId`), in order; `[]` when unknown. */
  forRequest(requestId: string): HostCallRecord[];
  /** Every recorded invocation with its grants, oldest first. */
  invocations(): LedgerInvocation[];
  /** The grants one request ran with, or undefined when it is not in the ledger. */
  grantsFor(requestId: string): string[] | undefined;
  /** Forgets everything recorded so far (e.g. in `beforeEach`). */
  clear(): void;
}

/** How many invocations a ledger keeps before dropping the oldest. */
export const DEFAULT_LEDGER_CAPACITY = 10_000;

/**
 * WIT parameter names per `interface short name.function`, so a call's arguments can be matched
 * by name (`{ namespace, key }`). A single record argument is also spread into the named view.
 * `ledger.test.ts` fails when a function of CAPABILITIES is missing here.
 */
export const PARAMETER_NAMES: Readonly<Record<string, readonly string[]>> = {
  'context.getContext': [],
  'secrets.get': ['key'],
  'secrets.listKeys': [],
  'http.fetch': ['request'],
  'storage.get': ['namespace', 'key'],
  'storage.put': ['entry'],
  'storage.delete': ['namespace', 'key'],
  'storage.listEntries': ['namespace', 'cursor'],
  'logging.logInfo': ['message'],
  'logging.logWarn': ['message'],
  'logging.logError': ['message'],
  'ui-proxy.callRoute': ['route', 'payload'],
  'user.getUser': [],
  'user-v2.getUser': [],
  'scheduler.listSchedules': [],
  'scheduler.getSchedule': ['scheduleId'],
  'scheduler.createSchedule': ['input'],
  'scheduler.updateSchedule': ['scheduleId', 'input'],
  'scheduler.deleteSchedule': ['scheduleId'],
  'scheduler.getEndpoints': [],
  'invoicing.createManualInvoice': ['input'],
  'clients.listClients': ['input'],
  'clients.getClient': ['clientId'],
  'services.listServices': ['input'],
  'services.getService': ['serviceId'],
};

const WIT_PREFIX = 'alga:extension/';
const CAPABILITY_OF = new Map<string, CapabilityString>(CAPABILITIES.map((c) => [c.witInterface, c.capability]));

/**
 * A call's short name: interface without `alga:extension/`, a dot, the jco function name.
 *
 * @example callName({ interface: 'alga:extension/storage', function: 'put', … }) // 'storage.put'
 */
export function callName(call: Pick<HostCallRecord, 'interface' | 'function'>): string {
  return hostCallName(call);
}

/**
 * A user-written call name in the form `callName` returns: WIT kebab-case function names are
 * accepted too (`secrets.list-keys` → `secrets.listKeys`).
 *
 * @example normalizeCallName('alga:extension/secrets.list-keys') // 'secrets.listKeys'
 */
export function normalizeCallName(name: string): string {
  const trimmed = name.trim().startsWith(WIT_PREFIX) ? name.trim().slice(WIT_PREFIX.length) : name.trim();
  const dot = trimmed.lastIndexOf('.');
  if (dot < 0) return trimmed;
  const fn = trimmed.slice(dot + 1).replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase());
  return `${trimmed.slice(0, dot)}.${fn}`;
}

/** The capability string a call needs (`cap:storage.kv` for `storage.put`), or undefined for an unknown interface. */
export function capabilityOf(call: Pick<HostCallRecord, 'interface'>): CapabilityString | undefined {
  return CAPABILITY_OF.get(call.interface);
}

/**
 * The call's arguments by WIT parameter name; a single record argument is spread in as well, so
 * `{ namespace, key }` matches both `storage.get` and `storage.put`.
 *
 * @example namedArgs(putRecord) // { entry: { namespace: 'ns', key: 'k', … }, namespace: 'ns', key: 'k', … }
 */
export function namedArgs(call: Pick<HostCallRecord, 'interface' | 'function' | 'args'>): Record<string, unknown> {
  const names = PARAMETER_NAMES[callName(call)];
  const args = call.args ?? [];
  const out: Record<string, unknown> = {};
  args.forEach((value, i) => {
    out[names?.[i] ?? `arg${i}`] = value;
  });
  const only = args.length === 1 ? args[0] : undefined;
  if (only !== null && typeof only === 'object' && !Array.isArray(only)) {
    for (const [key, value] of Object.entries(only)) if (!(key in out)) out[key] = value;
  }
  return out;
}

/**
 * The manifest change that grants a capability, as the least-privilege report and
 * `toStayWithinGrants` print it.
 *
 * @example manifestFix('cap:http.fetch') // 'add "cap:http.fetch" to "capabilities" in manifest.json'
 */
export function manifestFix(capability: string): string {
  return `add "${capability}" to "capabilities" in manifest.json`;
}

/** The grants an execute with these providers runs with (unknown strings dropped, defaults added). */
export function grantsOfProviders(providers: readonly string[]): string[] {
  return [...resolveGrants(providers).grants];
}

/**
 * The harness's ledger: fed by the Runner's `onExecute` observer, one per emulator.
 * Internal; tests see it as `CapabilityLedger`.
 */
export class LedgerRecorder implements CapabilityLedger {
  readonly #capacity: number;
  #invocations: LedgerInvocation[] = [];
  /** How many invocations were ever observed, and the count at which each kept one came. */
  #observed = 0;
  readonly #seq = new WeakMap<LedgerInvocation, number>();
  /** Where the grants of a Gateway call come from: the install's stored providers. */
  grantSource: (tenantId: string, extensionId: string) => readonly string[] | undefined = () => undefined;

  constructor(capacity = DEFAULT_LEDGER_CAPACITY) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`Ledger capacity must be a whole number ≥ 1, got ${capacity}`);
    this.#capacity = capacity;
  }

  /** Records one execute outcome (the `onExecute` observer). */
  observe(outcome: { hostCalls: readonly HostCallRecord[] }, request: { tenantId: string; extensionId: string; requestId: string | undefined }): void {
    let providers: readonly string[] = [];
    try {
      providers = this.grantSource(request.tenantId, request.extensionId) ?? [];
    } catch {
      // Not installed (a raw execute): `useProviders` sets the real grants right after.
    }
    const invocation: LedgerInvocation = { ...request, grants: grantsOfProviders(providers), calls: [...outcome.hostCalls] };
    this.#invocations.push(invocation);
    this.#seq.set(invocation, ++this.#observed);
    if (this.#invocations.length > this.#capacity) this.#invocations.splice(0, this.#invocations.length - this.#capacity);
  }

  /** Sets the grants of a request sent straight to `/v1/execute` from the providers its body carried. */
  useProviders(requestId: string, providers: readonly string[]): void {
    const found = this.#find(requestId);
    if (found) found.grants = grantsOfProviders(providers);
  }

  entries(): HostCallRecord[] {
    return this.#invocations.flatMap((i) => i.calls);
  }

  forRequest(requestId: string): HostCallRecord[] {
    return this.#invocations.filter((i) => i.requestId === requestId).flatMap((i) => i.calls);
  }

  invocations(): LedgerInvocation[] {
    return this.#invocations.map((i) => ({ ...i, grants: [...i.grants], calls: [...i.calls] }));
  }

  grantsFor(requestId: string): string[] | undefined {
    const found = this.#find(requestId);
    return found ? [...found.grants] : undefined;
  }

  clear(): void {
    this.#invocations = [];
  }

  /** How many invocations were observed so far (`since(position)` returns the later ones). */
  position(): number {
    return this.#observed;
  }

  /** The kept invocations observed after `position`, oldest first. */
  since(position: number): LedgerInvocation[] {
    return this.invocations().filter((_, i) => (this.#seq.get(this.#invocations[i] as LedgerInvocation) ?? 0) > position);
  }

  /** A snapshot part: restoring forgets the invocations observed after the capture. */
  capture(): () => void {
    const position = this.#observed;
    return () => {
      this.#invocations = this.#invocations.filter((i) => (this.#seq.get(i) ?? 0) <= position);
    };
  }

  #find(requestId: string): LedgerInvocation | undefined {
    for (let i = this.#invocations.length - 1; i >= 0; i--) {
      if (this.#invocations[i]?.requestId === requestId) return this.#invocations[i];
    }
    return undefined;
  }
}
