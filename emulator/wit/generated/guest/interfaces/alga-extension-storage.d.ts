// Generated from alga-extension.wit by `npm run build:wit-types`. Do not edit.
/// <reference path="./alga-extension-types.d.ts" />
declare module 'alga:extension/storage' {
  export function get(namespace: string, key: string): StorageEntry;
  export function put(entry: StorageEntry): StorageEntry;
  export { _delete as delete };
  function _delete(namespace: string, key: string): void;
  export function listEntries(namespace: string, cursor: string | undefined): Array<StorageEntry>;
  export type StorageEntry = import('alga:extension/types').StorageEntry;
  export type StorageError = import('alga:extension/types').StorageError;
}
