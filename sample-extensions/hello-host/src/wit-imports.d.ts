// The host interfaces this sample imports, as jco presents them to JavaScript
// (see emulator/runner/wit/alga-extension.wit). Errors arrive as thrown `{ payload }` values.
declare module 'alga:extension/context' {
  export function getContext(): {
    requestId?: string;
    tenantId: string;
    extensionId: string;
    installId?: string;
    versionId?: string;
  };
}
declare module 'alga:extension/logging' {
  export function logInfo(message: string): void;
  export function logWarn(message: string): void;
  export function logError(message: string): void;
}
declare module 'alga:extension/storage' {
  export interface StorageEntry { namespace: string; key: string; value: Uint8Array; revision?: bigint }
  export function get(namespace: string, key: string): StorageEntry;
  export function put(entry: StorageEntry): StorageEntry;
  function _delete(namespace: string, key: string): void;
  export { _delete as delete };
  export function listEntries(namespace: string, cursor: string | undefined): StorageEntry[];
}
declare module 'alga:extension/secrets' {
  export function get(key: string): string;
  export function listKeys(): string[];
}
declare module 'alga:extension/http' {
  export interface HttpHeader { name: string; value: string }
  export function fetch(request: { method: string; url: string; headers: HttpHeader[]; body?: Uint8Array }): {
    status: number;
    headers: HttpHeader[];
    body?: Uint8Array;
  };
}
declare module 'alga:extension/user-v2' {
  export function getUser(): {
    tenantId: string;
    clientName: string;
    userId: string;
    userEmail: string;
    userName: string;
    userType: string;
    clientId?: string;
    additionalFields: [string, string][];
  };
}
