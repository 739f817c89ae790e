/**
 * The capability registry: the one list of host capabilities, in the world's import order.
 * Adding a capability = its folder + one line in CAPABILITIES (see README.md beside this file).
 */
import type { InvocationScope } from '../contracts/invocation.ts';
import type { Rewindable } from '../sqlite-savepoints.ts';
import { guardedFunctions, type CapabilityDefinition, type Env, type FunctionShape, type Guard, type HostFunction, type HostServices, type SettingRow, type SharedResource } from './capability.ts';
import { clientsCapability } from './clients/index.ts';
import { contextCapability } from './context/index.ts';
import { httpCapability } from './http/index.ts';
import { invoicingCapability } from './invoicing/index.ts';
import { loggingCapability } from './logging/index.ts';
import { schedulerCapability } from './scheduler/index.ts';
import { secretsCapability } from './secrets/index.ts';
import { servicesCapability } from './services/index.ts';
import { storageCapability } from './storage/index.ts';
import { uiProxyCapability } from './ui-proxy/index.ts';
import { userV2Capability } from './user-v2/index.ts';
import { userCapability } from './user/index.ts';

export const CAPABILITIES = [
  contextCapability,
  secretsCapability,
  httpCapability,
  storageCapability,
  loggingCapability,
  uiProxyCapability,
  userCapability,
  userV2Capability,
  schedulerCapability,
  invoicingCapability,
  clientsCapability,
  servicesCapability,
] as const;

type Capability = (typeof CAPABILITIES)[number];
/** The registry seen without each capability's own types (for code that treats them alike). */
type AnyCapability = CapabilityDefinition<Record<string, never>, unknown, unknown>;
const ALL = CAPABILITIES as unknown as readonly AnyCapability[];

/** Capability strings the platform knows (exact, after trim + lowercase). */
export type CapabilityString = Capability['capability'];
/** Every capability string, once, in registry order. */
export const KNOWN_CAPABILITIES: readonly CapabilityString[] = [...new Set(CAPABILITIES.map((c) => c.capability))];
/** Granted on every call whatever the request says. */
export const DEFAULT_CAPABILITIES: readonly CapabilityString[] = [...new Set(CAPABILITIES.filter((c) => c.grantedByDefault).map((c) => c.capability))];

/** Interface short names (`storage`, `user-v2`). */
export type CapabilityName = Capability['name'];
/** What `open` gives the capability `N`. */
export type CapabilityDeps<N extends CapabilityName> = Extract<Capability, { name: N }> extends { open?(...args: never[]): infer D } ? D : never;

/** Dependencies given in place of what `open` builds, by capability name (typed per capability). */
export type CapabilityDepsOverrides = { readonly [N in CapabilityName]?: CapabilityDeps<N> };

/** The settings rows every capability owns, in registry order (part of RUNNER_SETTINGS). */
export const CAPABILITY_SETTING_ROWS: readonly SettingRow[] = ALL.flatMap((c) => c.settings?.rows ?? []);

/** Each capability's settings parsed from the environment, by name. Throws on a bad value. */
export type CapabilitySettingValues = Readonly<Record<string, unknown>>;
export function parseCapabilitySettings(env: Env): CapabilitySettingValues {
  return Object.fromEntries(ALL.filter((c) => c.settings).map((c) => [c.name, c.settings?.parse(env)]));
}

/** What the worker needs to build the guest's import object: interface → function shapes. */
export type ImportShape = Record<string, Record<string, FunctionShape>>;

export function importShape(): ImportShape {
  return Object.fromEntries(
    ALL.map((c) => [c.witInterface, Object.fromEntries(Object.entries(c.functions).map(([fn, s]) => [fn, shapeOf(s)]))]),
  );
}

function shapeOf(spec: FunctionShape): FunctionShape {
  return spec.oneway ? { returnsResult: spec.returnsResult, oneway: true } : { returnsResult: spec.returnsResult };
}

/** Host function table: interface → jco function name → implementation behind its guard. */
export type HostTable = ReadonlyMap<string, Readonly<Record<string, HostFunction>>>;

/** Whether a call (interface, jco function) gets past its capability's guard; unknown interfaces never do. */
export type Admission = (iface: string, fn: string, scope: InvocationScope, args: unknown[]) => boolean;

/**
 * The capabilities of one Runner, opened: their dependencies, the host table whose every function
 * runs its capability's guard first, and the admission faults consult (the same guard).
 */
export class OpenCapabilities implements Rewindable {
  readonly hostTable: HostTable;
  readonly admission: Admission;
  readonly #deps: ReadonlyMap<string, unknown>;
  readonly #rewindables: readonly Rewindable[];
  readonly #resources = new Map<string, SharedResource>();

  /**
   * `platform` is what the Runner gives every capability (data folder, clock, fetch); `deps`
   * replaces what `open` would build, by capability name (tests inject fakes).
   */
  constructor(platform: Omit<HostServices, 'shared'>, settings: CapabilitySettingValues, deps: CapabilityDepsOverrides = {}) {
    const services: HostServices = { ...platform, shared: (name, open) => this.#shared(name, open) };
    this.#deps = new Map(ALL.map((c) => [c.name, Object.hasOwn(deps, c.name) ? (deps as Readonly<Record<string, unknown>>)[c.name] : c.open?.(services, settings[c.name])]));
    const guards = new Map<string, Guard | undefined>(ALL.map((c) => [c.witInterface, c.guard?.(this.#deps.get(c.name))]));
    this.hostTable = new Map(ALL.map((c) => [c.witInterface, guardedFunctions(c, this.#deps.get(c.name), guards.get(c.witInterface))]));
    // A shared resource's state is marked once however many capabilities report it.
    this.#rewindables = [...new Set(ALL.flatMap((c) => (c.rewindable ? [c.rewindable(this.#deps.get(c.name))] : [])))];
    this.admission = (iface, fn, scope, args) => guards.has(iface) && guards.get(iface)?.(fn, scope, args) === undefined;
  }

  /** The dependencies `open` built for capability `name` (the Runner exposes storage to the harness). */
  deps<N extends CapabilityName>(name: N): CapabilityDeps<N> {
    return this.#deps.get(name) as CapabilityDeps<N>;
  }

  /** Marks the state of every capability that keeps some (storage) under `name`. */
  mark(name: string): void {
    for (const r of this.#rewindables) r.mark(name);
  }

  /** Returns every capability's state to the mark `name`. */
  rollbackTo(name: string): void {
    for (const r of this.#rewindables) r.rollbackTo(name);
  }

  /** Closes what each capability opened, in reverse order, then the shared resources. */
  close(): void {
    for (const c of [...ALL].reverse()) c.close?.(this.#deps.get(c.name));
    for (const resource of this.#resources.values()) resource.close();
    this.#resources.clear();
  }

  #shared<T extends SharedResource>(name: string, open: () => T): T {
    let resource = this.#resources.get(name);
    if (!resource) {
      resource = open();
      this.#resources.set(name, resource);
    }
    return resource as T;
  }
}

export interface ResolvedGrants {
  grants: ReadonlySet<string>;
  unknown: string[];
}

/** Step 5 of execute: trim + lowercase, drop empty, add the defaults, report unknown strings. */
export function resolveGrants(providers: readonly string[]): ResolvedGrants {
  const known = new Set<string>(KNOWN_CAPABILITIES);
  const grants = new Set<string>(DEFAULT_CAPABILITIES);
  const unknown: string[] = [];
  for (const raw of providers) {
    const cap = raw.trim().toLowerCase();
    if (cap === '') continue;
    if (known.has(cap)) grants.add(cap);
    else if (!unknown.includes(cap)) unknown.push(cap);
  }
  return { grants, unknown };
}

/** The emulator's deliberate differences from production, for `parity-notes` and the docs. */
export function capabilityParityNotes(): string[] {
  return CAPABILITIES.flatMap((c) => c.parityNotes);
}
