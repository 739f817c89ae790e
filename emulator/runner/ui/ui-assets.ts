import type { Stats } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { ExtractedBundle } from '../../bundles/extract.ts';
import { EmulatorError, describeError } from '../../errors.ts';
import type { InstallDirectory } from './install-directory.ts';
import { TenantHints } from './tenant-hints.ts';
import { parseUiContentHash, sanitizeUiPath, uiContentType, type UiRoute } from './ui-path.ts';
import { assetResponse, ifNoneMatchHits, jsonCode, notFound, plainText, uiEtag, type UiResponse } from './ui-response.ts';

/** One decoded `GET`/`HEAD /ext-ui/{extId}/{contentHash}/{*path}` request. */
export interface UiRequest extends UiRoute {
  method: 'GET' | 'HEAD';
  /** `x-tenant-id` header. */
  tenantHeader: string | undefined;
  /** `Host` header, port included as received. */
  host: string | undefined;
  /** `If-None-Match` header. */
  ifNoneMatch: string | undefined;
}

/** A diagnostic about one request; `tenant` is set only once the tenant is trusted for it. */
export interface UiReport {
  level: 'debug' | 'warn' | 'error';
  message: string;
  extensionId: string;
  contentHash: string;
  tenant?: string;
  /** For the server log only, never the debug stream: the underlying failure (it may name folders). */
  detail?: string;
}

export interface UiAssetOptions {
  /** `EXT_STATIC_STRICT_VALIDATION`. */
  strict: boolean;
  /** `EXT_STATIC_MAX_FILE_BYTES`. */
  maxFileBytes: number;
  /** The Content-Security-Policy of HTML responses (see uiContentSecurityPolicy). */
  csp: string;
  /** Install lookups; none = strict mode confirms nothing (404) and hosts are not looked up. */
  directory: InstallDirectory | undefined;
  /** Store → verify → hash check → extract, for tenant × extension (the Runner's BundleLoader). */
  load(tenant: string, extensionId: string, contentHash: string): Promise<ExtractedBundle>;
  /** The extraction of a hash if one exists, never fetching. */
  cached(contentHash: string): Promise<ExtractedBundle | null>;
  report(report: UiReport): void;
  /** Remembered tenants kept (default 10 000). */
  hintCapacity?: number;
}

const INDEX = 'index.html';

/**
 * The `/ext-ui` decision in spec 02's order: (1) content hash, (2) strict mode, (3) tenant,
 * (4) install check, (5) bundle extracted, (6) path, (7) SPA fallback, (8) size cap, (9) ETag,
 * (10) 200. Returns plain data; the router writes it. One instance per Runner.
 *
 * @example
 * const ui = new UiAssetServer({ strict: true, maxFileBytes, csp, directory, load, cached, report });
 * const res = await ui.serve({ method: 'GET', extensionId, contentHash, path: 'app.js', … });
 */
export class UiAssetServer {
  readonly #options: UiAssetOptions;
  readonly #hints: TenantHints;

  constructor(options: UiAssetOptions) {
    this.#options = { ...options };
    this.#hints = new TenantHints(options.hintCapacity);
  }

  async serve(req: UiRequest): Promise<UiResponse> {
    const head = req.method === 'HEAD';
    const hash = parseUiContentHash(req.contentHash);
    if (hash === null) return plainText(400, 'invalid content hash', head);
    const about = { extensionId: req.extensionId, contentHash: hash };
    const tenant = await this.#resolveTenant(req, hash);
    let bundle: ExtractedBundle | UiResponse;
    if (tenant === undefined) {
      bundle = await this.#withoutTenant(about);
    } else {
      if (this.#options.strict && !(await this.#confirmed(tenant, about))) return notFound();
      bundle = await this.#ensure(tenant, about, head);
    }
    if (!('uiRoot' in bundle)) return bundle;
    const segments = sanitizeUiPath(req.path);
    if (segments === null) return plainText(400, 'invalid path', head);
    const res = await this.#asset(bundle.uiRoot, segments, req.ifNoneMatch, head);
    if (tenant !== undefined && (res.status === 200 || res.status === 304)) this.#hints.remember(req.extensionId, hash, tenant);
    return res;
  }

  /** Step 3: `?tenant=` › `x-tenant-id` › remembered tenant › lookup by Host (empty = absent). */
  async #resolveTenant(req: UiRequest, hash: string): Promise<string | undefined> {
    if (req.tenant) return req.tenant;
    if (req.tenantHeader) return req.tenantHeader;
    const hinted = this.#hints.get(req.extensionId, hash);
    if (hinted !== undefined) return hinted;
    const host = hostname(req.host);
    const { directory } = this.#options;
    if (host === '' || !directory) return undefined;
    try {
      return (await directory.lookupByHost(host))?.tenant_id || undefined;
    } catch (err) {
      this.#report('warn', `ext-ui: install lookup for host ${host} failed: ${describeError(err)}`, { extensionId: req.extensionId, contentHash: hash });
      return undefined;
    }
  }

  /**
   * No tenant at all. Strict: 404. Non-strict: no store key can be built without a tenant, so
   * only a hash that an earlier request already extracted (and verified for its tenant) is
   * served, from the cache; anything else is 404 rather than a fetch that cannot succeed.
   */
  async #withoutTenant(about: About): Promise<ExtractedBundle | UiResponse> {
    const bundle = this.#options.strict ? null : await this.#options.cached(about.contentHash);
    if (bundle) return bundle;
    const why = this.#options.strict
      ? 'no tenant: send ?tenant= or x-tenant-id, or serve from an install host'
      : 'no tenant and the bundle is not extracted yet (non-strict mode serves only cached bundles without a tenant)';
    this.#report('debug', `ext-ui 404: ${why}${this.#options.directory ? '' : '; this Runner has no install directory'}`, about);
    return notFound();
  }

  /** Step 4 (strict only): the tenant's active install of the extension has this bundle. */
  async #confirmed(tenant: string, about: About): Promise<boolean> {
    const { directory } = this.#options;
    if (!directory) {
      this.#report(
        'warn',
        'ext-ui 404: strict validation cannot confirm installs because this Runner has no install directory. ' +
          'Run it inside the emulator, or set EXT_STATIC_STRICT_VALIDATION=false.',
        about,
      );
      return false;
    }
    try {
      if (await directory.hasActiveBundle(tenant, about.extensionId, about.contentHash)) return true;
      this.#report('debug', `ext-ui 404: tenant ${tenant} has no enabled install of ${about.extensionId} with bundle ${about.contentHash}`, about);
    } catch (err) {
      this.#report('warn', `ext-ui 404: install check failed: ${describeError(err)}`, about);
    }
    return false;
  }

  /**
   * Step 5. A hash mismatch is `502 archive_hash_mismatch`; everything else (store miss, refused
   * signature, bad archive, disk) is `500 extract_failed`, with the cause (e.g. SIGNATURE_INVALID)
   * in the report only: spec 02 gives /ext-ui no other codes.
   */
  async #ensure(tenant: string, about: About, head: boolean): Promise<ExtractedBundle | UiResponse> {
    try {
      return await this.#options.load(tenant, about.extensionId, about.contentHash);
    } catch (err) {
      const code = err instanceof EmulatorError ? err.code : 'EXTRACT_FAILED';
      const message = describeError(err);
      const mismatch = code === 'ARCHIVE_HASH_MISMATCH';
      const label = mismatch ? 'archive_hash_mismatch' : 'extract_failed';
      const detail = message.startsWith(`${code}: `) ? message : `${code}: ${message}`;
      const cause = err instanceof Error && err.cause !== undefined ? describeError(err.cause) : undefined;
      this.#report('error', `ext-ui ${label}: ${detail}`, { ...about, tenant, ...(cause === undefined ? {} : { detail: cause }) });
      return mismatch ? jsonCode(502, label, head) : jsonCode(500, label, head);
    }
  }

  /** Steps 7–10 for clean path segments under the UI root. */
  async #asset(uiRoot: string, segments: string[], ifNoneMatch: string | undefined, head: boolean): Promise<UiResponse> {
    let file = path.join(uiRoot, ...segments);
    let info = segments.length === 0 ? null : await fileStat(file);
    if (!info?.isFile()) {
      // SPA fallback: the root, a folder or a missing file (even `missing.js`) is the index page.
      file = path.join(uiRoot, INDEX);
      info = await fileStat(file);
      if (!info?.isFile()) return notFound();
    }
    if (info.size > this.#options.maxFileBytes) return plainText(413, 'asset too large', head);
    const buf = await readFile(file);
    const bytes = new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
    const etag = uiEtag(bytes);
    return assetResponse({
      bytes,
      etag,
      contentType: uiContentType(path.basename(file)),
      csp: this.#options.csp,
      notModified: ifNoneMatchHits(ifNoneMatch, etag),
      head,
    });
  }

  #report(level: UiReport['level'], message: string, about: About & { tenant?: string; detail?: string }): void {
    this.#options.report({ level, message, ...about });
  }
}

interface About {
  extensionId: string;
  contentHash: string;
}

/** The Host header without its port (`[::1]:8080` → `[::1]`), lowercased, as the registry stores domains. */
function hostname(host: string | undefined): string {
  const value = (host ?? '').trim().toLowerCase();
  if (value.startsWith('[')) return value.slice(0, value.indexOf(']') + 1);
  return value.split(':')[0] ?? '';
}

async function fileStat(file: string): Promise<Stats | null> {
  try {
    return await stat(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return null;
    throw err;
  }
}
