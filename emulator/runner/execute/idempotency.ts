/**
 * Remembers step-8 envelopes by `x-idempotency-key`. Production keys by the header alone,
 * process-wide and unbounded; the emulator scopes keys by tenant + extension and keeps the
 * most recent `capacity` entries (listed in the parity notes).
 */
export class IdempotencyCache<T> {
  readonly #entries = new Map<string, T>();
  readonly #capacity: number;

  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  get(tenant: string, extension: string, key: string): T | undefined {
    const id = scoped(tenant, extension, key);
    const hit = this.#entries.get(id);
    if (hit !== undefined) {
      this.#entries.delete(id);
      this.#entries.set(id, hit);
    }
    return hit;
  }

  set(tenant: string, extension: string, key: string, value: T): void {
    const id = scoped(tenant, extension, key);
    this.#entries.delete(id);
    this.#entries.set(id, value);
    if (this.#entries.size > this.#capacity) {
      const oldest = this.#entries.keys().next().value as string;
      this.#entries.delete(oldest);
    }
  }

  get size(): number {
    return this.#entries.size;
  }

  /** The entries as they are now, oldest first (`restore` puts them back). */
  copy(): [string, T][] {
    return [...this.#entries];
  }

  restore(entries: readonly [string, T][]): void {
    this.#entries.clear();
    for (const [id, value] of entries) this.#entries.set(id, value);
  }
}

function scoped(tenant: string, extension: string, key: string): string {
  return JSON.stringify([tenant, extension, key]);
}
