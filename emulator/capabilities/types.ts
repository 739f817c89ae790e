/**
 * The contract every host capability implements. One capability = one folder under
 * `capabilities/<name>/` exporting a `CapabilityDefinition`; `registry.ts` lists them once and
 * everything else (worker import object, grant checks, docs, parity notes) is derived from it.
 */

/** Capability strings the platform knows (exact, after trim + lowercase). */
export const KNOWN_CAPABILITIES = [
  'cap:context.read',
  'cap:secrets.get',
  'cap:http.fetch',
  'cap:storage.kv',
  'cap:log.emit',
  'cap:ui.proxy',
  'cap:user.read',
  'cap:scheduler.manage',
  'cap:invoice.manual.create',
  'cap:client.read',
  'cap:service.read',
] as const;

export type CapabilityString = (typeof KNOWN_CAPABILITIES)[number];

/** Granted on every call whatever the request says. */
export const DEFAULT_CAPABILITIES: readonly CapabilityString[] = [
  'cap:context.read',
  'cap:log.emit',
  'cap:user.read',
];

/** The user an execute request carries (already normalised from the JSON body). */
export interface InvocationUser {
  userId: string;
  userEmail: string;
  userName: string;
  userType: string;
  clientName: string | undefined;
  clientId: string | undefined;
  additionalFields: Record<string, string>;
}

/** A debug-stream event (spec 02, "Debug stream event"). */
export interface DebugEvent {
  ts: string;
  level: 'trace' | 'debug' | 'info' | 'warn' | 'error';
  stream: 'log' | 'stdout' | 'stderr';
  tenant_id?: string;
  extension_id?: string;
  install_id?: string;
  request_id?: string;
  version_id?: string;
  content_hash?: string;
  message: string;
  truncated: boolean;
}

/** Everything a host function may know about the invocation it serves. */
export interface InvocationScope {
  requestId: string | undefined;
  tenantId: string;
  extensionId: string;
  installId: string | undefined;
  versionId: string | undefined;
  contentHash: string;
  grants: ReadonlySet<string>;
  user: InvocationUser | undefined;
  /** Decrypted secret values, or undefined when the request carried no envelope. */
  secrets: Readonly<Record<string, string>> | undefined;
  /** Emits a debug-stream event scoped to this invocation. */
  emit(level: DebugEvent['level'], message: string, stream?: DebugEvent['stream']): void;
}

/**
 * Thrown by a host function to return the `err` case of a WIT `result`; `payload` is the WIT
 * error value (an enum case string for every interface of this world).
 */
export class WitError extends Error {
  readonly payload: string;
  constructor(payload: string, detail?: string) {
    super(detail ? `${payload}: ${detail}` : payload);
    this.name = 'WitError';
    this.payload = payload;
  }
}

export type HostFunction = (scope: InvocationScope, args: unknown[]) => unknown;

export interface CapabilityFunctionSpec {
  /** Whether the function returns a WIT `result` (errors travel as WitError payloads). */
  returnsResult: boolean;
  /** Fire-and-forget: returns nothing and never fails, so the guest need not wait for it. */
  oneway?: boolean;
}

export interface CapabilityDefinition<Deps = unknown> {
  /** Folder name and short name, e.g. `storage`. */
  name: string;
  /** The WIT interface the guest imports, e.g. `alga:extension/storage`. */
  witInterface: string;
  /** The capability string that grants it, or null when it needs none. */
  capability: CapabilityString;
  /** jco names of the functions, in WIT order, with how they return. */
  functions: Readonly<Record<string, CapabilityFunctionSpec>>;
  /** One line for the README and `--help`. */
  summary: string;
  /** Where the emulator deliberately differs from production (listed by `parity-notes`). */
  parityNotes: readonly string[];
  /** Builds the host functions from injected dependencies. */
  create(deps: Deps): Readonly<Record<string, HostFunction>>;
  /**
   * Whether a call passes the capability's own deny-by-default checks (grant, install id, egress
   * allowlist) without running it or emitting anything. Injected faults apply only to admitted
   * calls, so a refused call fails as in production. Default: the grant `capability` is held.
   */
  admits?(deps: Deps): CallAdmission;
}

/** Whether one call of a capability's function (jco name) would get past its grant checks. */
export type CallAdmission = (fn: string, scope: InvocationScope, args: unknown[]) => boolean;
