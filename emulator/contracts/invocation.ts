import type { DebugEvent } from './debug-event.ts';

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
