// Adapts the WIT imports to the SDK's HostBindings shape, as the SDK's README suggests.
import type { HostBindings } from '@alga-psa/extension-runtime';
import { getContext } from 'alga:extension/context';
import { fetch } from 'alga:extension/http';
import { logError, logInfo, logWarn } from 'alga:extension/logging';
import { get as getSecret, listKeys } from 'alga:extension/secrets';
import * as storage from 'alga:extension/storage';

export const host: Pick<HostBindings, 'context' | 'logging' | 'secrets' | 'http' | 'storage'> = {
  context: { get: async () => getContext() },
  logging: {
    info: async (m) => logInfo(m),
    warn: async (m) => logWarn(m),
    error: async (m) => logError(m),
  },
  secrets: { get: async (key) => getSecret(key), list: async () => listKeys() },
  http: { fetch: async (request) => fetch({ ...request, body: request.body ?? undefined }) },
  storage: {
    get: async (namespace, key) => {
      try {
        return storage.get(namespace, key).value;
      } catch (err) {
        if ((err as { payload?: string }).payload === 'missing') return null;
        throw err;
      }
    },
    put: async (entry) => {
      storage.put({ ...entry, revision: entry.revision == null ? undefined : BigInt(entry.revision) });
    },
    delete: async (namespace, key) => storage.delete(namespace, key),
    list: async (namespace) =>
      storage.listEntries(namespace, undefined).map((e) => ({ key: e.key, value: e.value, revision: Number(e.revision) })),
  },
};
