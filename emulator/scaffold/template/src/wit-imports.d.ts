// The host interfaces this handler imports, as componentize-js presents them to JavaScript (the
// WIT world alga:extension/runner). A failing call throws `{ payload }` with the WIT error case.
// Add a module here when you import another interface, and its capability to manifest.json.
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
  export interface StorageEntry {
    namespace: string;
    key: string;
    value: Uint8Array;
    revision?: bigint;
  }
  export function get(namespace: string, key: string): StorageEntry;
  export function put(entry: StorageEntry): StorageEntry;
  function _delete(namespace: string, key: string): void;
  export { _delete as delete };
  export function listEntries(namespace: string, cursor: string | undefined): StorageEntry[];
}
