/**
 * Remembers which tenant last got a UI bundle served, per (extension, content hash): step 3 of
 * `/ext-ui` uses it when a request carries no tenant (an iframe's `app.js` fetched without
 * `?tenant=`). Production keeps a process-global, unbounded map filled as soon as a tenant is
 * resolved; the emulator keeps one per Runner, fills it only after a successful serve (so an
 * unconfirmed tenant is never remembered) and keeps the most recent `capacity` entries.
 */
export class TenantHints {
  readonly #entries = new Map<string, string>();
  readonly #capacity: number;

  constructor(capacity = 10_000) {
    this.#capacity = capacity;
  }

  get(extensionId: string, contentHash: string): string | undefined {
    return this.#entries.get(keyOf(extensionId, contentHash));
  }

  remember(extensionId: string, contentHash: string, tenant: string): void {
    const key = keyOf(extensionId, contentHash);
    this.#entries.delete(key);
    this.#entries.set(key, tenant);
    if (this.#entries.size > this.#capacity) this.#entries.delete(this.#entries.keys().next().value as string);
  }

  get size(): number {
    return this.#entries.size;
  }
}

function keyOf(extensionId: string, contentHash: string): string {
  return JSON.stringify([extensionId, contentHash]);
}
