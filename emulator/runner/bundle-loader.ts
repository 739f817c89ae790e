import { archiveHashMismatch, type BundleCache, type ExtractedBundle } from '../bundles/extract.ts';
import { computeContentHash, normalizeContentHash } from '../bundles/hash.ts';
import { bundleStoreKey, sameStoreStat, type BundleStore, type StoreStat } from '../bundles/store.ts';
import { EmulatorError, describeError, type ErrorCode } from '../errors.ts';
import type { BundleVerifier } from './bundle-verifier.ts';

export interface BundleLoaderOptions {
  store: BundleStore;
  cache: BundleCache;
  /** Signature check run on every archive read from the store; none = accept (production today). */
  verifier?: BundleVerifier;
  /** Store keys whose verified stat is remembered; the oldest is forgotten beyond this. */
  capacity?: number;
}

interface Verified {
  stat: StoreStat;
  bundle: ExtractedBundle;
}

interface Target {
  tenant: string;
  extension: string;
  /** Normalized `sha256:<hex>`. */
  hash: string;
}

const DEFAULT_CAPACITY = 10_000;

/**
 * Loads a bundle for `/v1/execute` and `/ext-ui`: store → verify → hash check → extract.
 *
 * - Every archive read from the store goes through the verifier **before** the hash comparison
 *   (spec 07: verify on every load/serve).
 * - Reads are remembered per store key with the stat of the archive that was verified. Each load
 *   stats the key once (the hot path: no bytes read); when the archive changed or vanished the
 *   memo is dropped and the archive is read, verified and hash-checked again, so a replaced
 *   archive under a key is never served from the old extraction.
 * - Extraction stays shared by hash (BundleCache): another tenant's key holding the same hash
 *   reuses the extracted files, but its own archive is still read and verified once. A key with
 *   no archive in the store is BUNDLE_NOT_FOUND even when its hash is extracted: the emulator
 *   verifies what the requesting tenant installed (production skips the store for a cached hash).
 *
 * @example
 * const loader = new BundleLoader({ store, cache, verifier });
 * const bundle = await loader.load('tenant-1', 'ext-1', 'sha256:ab…');
 */
export class BundleLoader {
  readonly #store: BundleStore;
  readonly #cache: BundleCache;
  readonly #verifier: BundleVerifier | undefined;
  readonly #capacity: number;
  readonly #verified = new Map<string, Verified>();
  /** One read per (key, stat) at a time; a load that saw another stat does not join it. */
  readonly #inflight = new Map<string, Promise<ExtractedBundle>>();

  constructor(options: BundleLoaderOptions) {
    this.#store = options.store;
    this.#cache = options.cache;
    this.#verifier = options.verifier;
    this.#capacity = options.capacity ?? DEFAULT_CAPACITY;
  }

  /** The extracted bundle of `tenant` × `extension` at `contentHash`; throws an EmulatorError. */
  async load(tenant: string, extension: string, contentHash: string): Promise<ExtractedBundle> {
    const hash = normalizeContentHash(contentHash);
    const key = bundleStoreKey(tenant, extension, hash);
    const stat = await this.#store.stat(key);
    const known = this.#verified.get(key);
    if (known && stat && sameStoreStat(known.stat, stat)) return known.bundle;
    this.#verified.delete(key);
    if (!stat) throw notFound(key);
    const flight = `${key}\n${JSON.stringify(stat)}`;
    const running = this.#inflight.get(flight);
    if (running) return running;
    const run = this.#read(key, { tenant, extension, hash }, stat).finally(() => this.#inflight.delete(flight));
    this.#inflight.set(flight, run);
    return run;
  }

  async #read(key: string, target: Target, stat: StoreStat): Promise<ExtractedBundle> {
    const bytes = await this.#store.get(key);
    if (!bytes) throw notFound(key);
    const actual = computeContentHash(bytes);
    await this.#verify(target, actual, bytes);
    if (actual !== target.hash) throw archiveHashMismatch(target.hash, actual);
    const bundle = await this.#cache.ensureExtracted(target.hash, async () => bytes);
    // The stat taken before the read: if the archive changed since, the next load re-reads it.
    this.#remember(key, { stat, bundle });
    return bundle;
  }

  async #verify(target: Target, contentHash: string, bytes: Uint8Array): Promise<void> {
    if (!this.#verifier) return;
    try {
      await this.#verifier.verify({ tenantId: target.tenant, extensionId: target.extension, contentHash, expectedContentHash: target.hash, bytes });
    } catch (err) {
      // The code leads the message so `bundle_fetch_failed: SIGNATURE_INVALID: …` names it.
      const code: ErrorCode = err instanceof EmulatorError ? err.code : 'BUNDLE_VERIFY_FAILED';
      throw new EmulatorError(code, `${code}: ${describeError(err)}`, { cause: err });
    }
  }

  #remember(key: string, verified: Verified): void {
    this.#verified.delete(key);
    this.#verified.set(key, verified);
    if (this.#verified.size > this.#capacity) this.#verified.delete(this.#verified.keys().next().value as string);
  }
}

function notFound(key: string): EmulatorError {
  return new EmulatorError('BUNDLE_NOT_FOUND', `bundle not found in store at ${key}`);
}
