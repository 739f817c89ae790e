import { EmulatorError, type Registry } from '../emulator/index.ts';
import { WitError, type InstallConfig, type KvEntry, type KvScope, type KvStore } from '../emulator/internals.ts';

/** One stored value as the guest's `storage.get` would see it. */
export interface StoredValue {
  namespace: string;
  key: string;
  /** The raw bytes (the WIT `value: list<u8>`). */
  bytes: Uint8Array;
  /** The revision compare-and-swap uses; bumps on every put. */
  revision: bigint;
  /** The bytes as UTF-8 text. */
  text(): string;
  /** The bytes parsed as JSON; a clear error when they are not JSON. */
  json<T = unknown>(): T;
}

/**
 * An install's extension storage, read and written as the guest's `storage` capability does
 * (same limits and quotas), for seeding a test and asserting on what the handler stored.
 *
 * @example
 * const store = emu.storage(ext);
 * store.put('counters', 'visits', '41');          // seeded as UTF-8 bytes
 * await emu.invoke(ext, { method: 'POST', path: '/counter' });
 * store.get('counters', 'visits')?.text()          // '42'
 */
export interface StorageView {
  /** The value, or undefined when the key is missing. */
  get(namespace: string, key: string): StoredValue | undefined;
  /** Writes a value: a string as UTF-8, bytes as they are, anything else as JSON text. */
  put(namespace: string, key: string, value: string | Uint8Array | unknown): StoredValue;
  /** Removes a key; false when it did not exist. */
  delete(namespace: string, key: string): boolean;
  /** Every entry of a namespace, in key order (all pages). */
  list(namespace: string): StoredValue[];
}

/**
 * An install's config (a string map; every write gets a new version, as the Gateway sends it in
 * `x-ext-config-version`).
 *
 * @example emu.config(ext).set({ region: 'eu' }); emu.config(ext).get() // { region: 'eu' }
 */
export interface ConfigView {
  get(): Record<string, string>;
  /** Merges keys; `null` removes one. Returns the whole map after the write. */
  set(values: Readonly<Record<string, string | null>>): Record<string, string>;
  /** The version of the current config (changes on every `set`). */
  version(): string;
}

/**
 * An install's secrets: write-only, as in production. Values are sealed at rest and reach the
 * guest only through `secrets.get`; tests can see names, never values.
 *
 * @example emu.secrets(ext).set({ api_token: 't-1' }); emu.secrets(ext).names() // ['api_token']
 */
export interface SecretsView {
  /** Merges secrets; an empty value removes the key. */
  set(values: Readonly<Record<string, string>>): void;
  /** Removes every secret of the install. */
  clear(): void;
  names(): string[];
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function storageView(kv: KvStore, scope: KvScope): StorageView {
  return {
    get: (namespace, key) => {
      try {
        return storedValue(kv.get(scope, namespace, key));
      } catch (err) {
        if (err instanceof WitError && err.payload === 'missing') return undefined;
        throw storageError('read', namespace, key, err);
      }
    },
    put: (namespace, key, value) => {
      const bytes = typeof value === 'string' ? encoder.encode(value) : value instanceof Uint8Array ? value : encoder.encode(JSON.stringify(value));
      try {
        return storedValue(kv.put(scope, { namespace, key, value: bytes }));
      } catch (err) {
        throw storageError('write', namespace, key, err);
      }
    },
    delete: (namespace, key) => {
      try {
        kv.delete(scope, namespace, key);
        return true;
      } catch (err) {
        // The capability answers `conflict` for a missing key (production's wording).
        if (err instanceof WitError && err.payload === 'conflict') return false;
        throw storageError('delete', namespace, key, err);
      }
    },
    list: (namespace) => {
      const all: StoredValue[] = [];
      let cursor: string | undefined;
      for (;;) {
        const page = kv.list(scope, namespace, cursor);
        all.push(...page.map(storedValue));
        if (page.length === 0) return all;
        cursor = page.at(-1)?.key;
      }
    },
  };
}

export function configView(registry: Registry, tenantId: string, registryId: string): ConfigView {
  const read = (): InstallConfig => registry.getConfig(tenantId, registryId);
  return {
    get: () => read().config,
    set: (values) => registry.setConfig(tenantId, registryId, { values }).config,
    version: () => read().version,
  };
}

export function secretsView(registry: Registry, tenantId: string, registryId: string): SecretsView {
  return {
    set: (values) => {
      registry.setSecrets(tenantId, registryId, values);
    },
    clear: () => {
      registry.clearSecrets(tenantId, registryId);
    },
    names: () => registry.listSecrets(tenantId, registryId).names,
  };
}

function storedValue(entry: KvEntry): StoredValue {
  const bytes = new Uint8Array(entry.value);
  return {
    namespace: entry.namespace,
    key: entry.key,
    bytes,
    revision: entry.revision,
    text: () => decoder.decode(bytes),
    json: <T>() => {
      const text = decoder.decode(bytes);
      try {
        return JSON.parse(text) as T;
      } catch (err) {
        throw new EmulatorError('STORAGE_VALUE_NOT_JSON', `Failed to parse ${entry.namespace}/${entry.key} as JSON: ${(err as Error).message}. Read it with .text() or .bytes instead.`);
      }
    },
  };
}

function storageError(what: string, namespace: string, key: string, err: unknown): EmulatorError {
  const answer = err instanceof WitError ? `the storage capability answers ${err.message}` : (err as Error).message;
  return new EmulatorError(
    'STORAGE_REFUSED',
    `Failed to ${what} ${namespace}/${key}: ${answer}. Seeded data follows the guest's limits and quotas (spec 03).`,
    { cause: err },
  );
}
