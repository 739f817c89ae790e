/**
 * The contract every host capability folder implements (see README.md beside this file). A
 * folder exports one `defineCapability(...)`; `index.ts` lists them once, and everything else
 * is derived from that list: capability strings and defaults, settings, the worker's import
 * object, the host function table with its grant guard, fault admission, docs and parity notes.
 */
import type { Clock } from '../clock.ts';
import type { Rewindable } from '../sqlite-savepoints.ts';
import type { InvocationScope } from '../contracts/invocation.ts';
import { WitError } from '../contracts/invocation.ts';

/** What the platform gives every capability when a Runner opens it. */
export interface HostServices {
  /** The emulator's data folder: a capability keeps its own database files here. */
  dataDir: string;
  /** Wall-clock time of stored records (`updated_at`); real or virtual. */
  clock: Clock;
  /** Outbound HTTP; by default the global fetch looked up per call, so msw sees it. */
  fetch: typeof globalThis.fetch;
  /**
   * A resource several capabilities of this Runner share (the PSA database behind clients,
   * services and invoicing): the first call under `name` opens it, later calls get the same
   * object, and the Runner closes it once, after every capability's `close`.
   */
  shared<T extends SharedResource>(name: string, open: () => T): T;
}

/** What `HostServices.shared` keeps: anything the Runner can close when it stops. */
export interface SharedResource {
  close(): void;
}

export type Env = Readonly<Record<string, string | undefined>>;

/** One row of the settings table: variable, default, meaning. */
export type SettingRow = readonly [name: string, defaultValue: string, meaning: string];

/** The environment variables a capability reads, and how. */
export interface CapabilitySettings<S> {
  rows: readonly SettingRow[];
  parse(env: Env): S;
}

/**
 * Why a call is refused before it runs. The guard decides; the registry presents it: a
 * function returning a WIT `result` throws `payload`; any other function answers `denied(...)`.
 */
export interface Denial {
  reason: 'grant' | 'install' | 'egress' | 'request';
  /** The WIT error case of a refused result-returning function: `denied`, `not-allowed`, … */
  payload: string;
  /** What was missing, for the ledger: `cap:storage.kv not granted`. */
  detail: string;
  /** A debug-stream warning that tells the author how to allow the call. */
  warn?: string;
}

/**
 * A capability's deny-by-default checks, run before every call of its functions and by fault
 * admission. Undefined = admitted. It must not do work or emit: it only decides.
 */
export type Guard = (fn: string, scope: InvocationScope, args: readonly unknown[]) => Denial | undefined;

type Awaitable<T> = T | Promise<T>;
type AnyFunction = (...args: never[]) => unknown;

/**
 * Host functions typed from the declarations generated from the WIT: `W` is
 * `typeof import('…/generated/host/interfaces/alga-extension-<name>.js')`.
 */
export type HostFunctions<W> = {
  [K in keyof W]: W[K] extends (...args: infer A) => infer R ? (scope: InvocationScope, args: A) => Awaitable<R> : never;
};

/** Loosely typed view the registry and worker pool use. */
export type HostFunction = (scope: InvocationScope, args: unknown[]) => unknown;

/** How a function returns, as the worker builds the guest's import object. */
export interface FunctionShape {
  /** Whether the function returns a WIT `result` (errors travel as WitError payloads). */
  returnsResult: boolean;
  /** Fire-and-forget: returns nothing and never fails, so the guest need not wait for it. */
  oneway?: boolean;
}

/** A function's shape, plus what it answers when its guard refuses and it has no `result`. */
export interface FunctionSpec<R = unknown> extends FunctionShape {
  denied?: (denial: Denial) => R;
}

type Specs<W> = { [K in keyof W]: FunctionSpec<W[K] extends AnyFunction ? Awaited<ReturnType<W[K]>> : never> };

/** One host capability: a WIT interface, the grant that opens it, and its implementation. */
export interface CapabilityDefinition<W = Record<string, AnyFunction>, Deps = unknown, S = unknown, Grant extends string = string, Name extends string = string> {
  /** Folder name and interface short name, e.g. `storage`. */
  name: Name;
  /** The WIT interface the guest imports, e.g. `alga:extension/storage`. */
  witInterface: `alga:extension/${Name}`;
  /** The capability string that grants it. */
  capability: Grant;
  /** Granted on every call whatever the request says (`cap:context.read`, …). */
  grantedByDefault: boolean;
  /** jco names of the functions, in WIT order, with how they return. */
  functions: Specs<W>;
  /** One line for the docs' capability table. */
  summary: string;
  /** Where the emulator deliberately differs from production (listed by `parity-notes`). */
  parityNotes: readonly string[];
  /** Environment variables this capability owns (part of the Runner's settings table). */
  settings?: CapabilitySettings<S>;
  /** Builds the capability's dependencies once per Runner (open databases here). */
  open?(services: HostServices, settings: S): Deps;
  /** Releases what `open` acquired (the Runner's close). */
  close?(deps: Deps): void;
  /** The state `emu.snapshot()` / `emu.restore()` must cover, when the capability keeps any. */
  rewindable?(deps: Deps): Rewindable;
  /** Deny-by-default checks; none = every call is admitted. */
  guard?(deps: Deps): Guard;
  /** The host functions; only admitted calls reach them. */
  create(deps: Deps): HostFunctions<W>;
}

/**
 * Declares a capability. `W` is the interface's generated declaration module, so host functions
 * are typed from the WIT; the grant string is kept literal so the registry can derive the union.
 * @example export const secretsCapability = defineCapability<typeof SecretsWit>()({ name: 'secrets', … });
 */
export function defineCapability<W>() {
  return <const Name extends string, const Grant extends `cap:${string}`, Deps = undefined, S = undefined>(def: CapabilityDefinition<W, Deps, S, Grant, Name>) => def;
}

/** Refuses calls without `grant`. */
export function requireGrant(grant: string, payload: string, warn?: string): Guard {
  return (_fn, scope) => (scope.grants.has(grant) ? undefined : { reason: 'grant', payload, detail: `${grant} not granted`, warn });
}

/** Refuses calls without `grant` or without an install id (install-scoped data: storage, PSA). */
export function requireGrantAndInstall(grant: string, payload: string): Guard {
  const granted = requireGrant(grant, payload);
  return (fn, scope, args) =>
    granted(fn, scope, args) ?? (scope.installId ? undefined : { reason: 'install', payload, detail: 'the request has no install id' });
}

/** The default answer of a refused function that returns a WIT `result`. */
export function throwDenial(denial: Denial): never {
  throw new WitError(denial.payload, denial.detail);
}

/**
 * A capability's host functions as the Runner links them: each runs the guard first, so a
 * refused call never reaches the implementation; it warns (when the denial says how to allow
 * the call) and answers the function's denial. Capability tests call functions through this too.
 * @example const host = guardedFunctions(storageCapability, { kv }); host.get?.(scope, ['ns', 'k']);
 */
export function guardedFunctions<W, Deps, S>(
  c: CapabilityDefinition<W, Deps, S, string, string>,
  deps: Deps,
  guard: Guard | undefined = c.guard?.(deps),
): Readonly<Record<string, HostFunction>> {
  const specs = c.functions as Readonly<Record<string, FunctionSpec>>;
  return Object.fromEntries(
    Object.entries(c.create(deps) as Readonly<Record<string, HostFunction>>).map(([fn, run]) => {
      if (!guard) return [fn, run];
      const denied = specs[fn]?.denied ?? throwDenial;
      const wrapped: HostFunction = (scope, args) => {
        const denial = guard(fn, scope, args);
        if (!denial) return run(scope, args);
        if (denial.warn) scope.emit('warn', denial.warn);
        return denied(denial);
      };
      return [fn, wrapped];
    }),
  );
}
