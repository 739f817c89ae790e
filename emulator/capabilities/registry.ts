import { clientsCapability } from './clients/index.ts';
import { contextCapability } from './context/index.ts';
import { httpCapability, type HttpCapabilityDeps } from './http/index.ts';
import { invoicingCapability } from './invoicing/index.ts';
import { loggingCapability } from './logging/index.ts';
import { schedulerCapability } from './scheduler/index.ts';
import { secretsCapability } from './secrets/index.ts';
import { servicesCapability } from './services/index.ts';
import { storageCapability, type StorageCapabilityDeps } from './storage/index.ts';
import {
  DEFAULT_CAPABILITIES,
  KNOWN_CAPABILITIES,
  type CallAdmission,
  type CapabilityDefinition,
  type CapabilityFunctionSpec,
  type HostFunction,
  type InvocationScope,
} from './types.ts';
import { uiProxyCapability, type UiProxyCapabilityDeps } from './ui-proxy/index.ts';
import { userV2Capability } from './user-v2/index.ts';
import { userCapability } from './user/index.ts';

/** Everything any capability needs, injected once by the Runner. */
export type HostDeps = HttpCapabilityDeps & StorageCapabilityDeps & UiProxyCapabilityDeps;

/**
 * The one list of host capabilities, in the world's import order. Linking, grant checks, the
 * README table and the parity notes are all derived from it.
 */
export const CAPABILITIES: readonly CapabilityDefinition<HostDeps>[] = [
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
];

/** What the worker needs to build the guest's import object: interface → function specs. */
export type ImportShape = Record<string, Record<string, CapabilityFunctionSpec>>;

export function importShape(): ImportShape {
  return Object.fromEntries(CAPABILITIES.map((c) => [c.witInterface, { ...c.functions }]));
}

/** Host function table: interface → jco function name → implementation. */
export type HostTable = ReadonlyMap<string, Readonly<Record<string, HostFunction>>>;

export function createHostTable(deps: HostDeps): HostTable {
  return new Map(CAPABILITIES.map((c) => [c.witInterface, c.create(deps)]));
}

/** Whether a call (interface, jco function) gets past its capability's grant checks; unknown interfaces never do. */
export type Admission = (iface: string, fn: string, scope: InvocationScope, args: unknown[]) => boolean;

/** Each capability's `admits`, or its grant when it has none (what injected faults consult). */
export function createAdmission(deps: HostDeps): Admission {
  const table = new Map<string, CallAdmission>(
    CAPABILITIES.map((c) => [c.witInterface, c.admits ? c.admits(deps) : (_fn: string, scope: InvocationScope) => scope.grants.has(c.capability)]),
  );
  return (iface, fn, scope, args) => table.get(iface)?.(fn, scope, args) ?? false;
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

/** The emulator's deliberate differences from production, for `parity-notes` and the README. */
export function capabilityParityNotes(): string[] {
  return CAPABILITIES.flatMap((c) => c.parityNotes);
}
