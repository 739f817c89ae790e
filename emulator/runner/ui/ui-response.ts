// The responses /ext-ui can give, as plain data (status, headers, body): the router only writes
// them. Header names and values are exactly what spec 02 lists.
import { createHash } from 'node:crypto';

/** One /ext-ui answer. `body` is null for HEAD and for bodiless statuses. */
export interface UiResponse {
  status: number;
  headers: Record<string, string>;
  body: Uint8Array | null;
}

export const IMMUTABLE_CACHE = 'public, max-age=31536000, immutable';

/** Spec 02's default policy: inline `<script>` blocked, inline `<style>` allowed. */
export const DEFAULT_UI_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
  "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'";

/**
 * The Content-Security-Policy of HTML pages: `EXT_UI_CONTENT_SECURITY_POLICY` replaces the whole
 * value; otherwise the default, plus `; frame-ancestors <v>` when `EXT_UI_FRAME_ANCESTORS` is set.
 *
 * @example uiContentSecurityPolicy({ frameAncestors: 'https://psa.example.com' })
 */
export function uiContentSecurityPolicy(options: { override?: string; frameAncestors?: string }): string {
  if (options.override) return options.override;
  return options.frameAncestors ? `${DEFAULT_UI_CSP}; frame-ancestors ${options.frameAncestors}` : DEFAULT_UI_CSP;
}

/** Strong ETag of a file: `"sha256-<hex of the file bytes>"`. */
export function uiEtag(bytes: Uint8Array): string {
  return `"sha256-${createHash('sha256').update(bytes).digest('hex')}"`;
}

/**
 * True when `If-None-Match` (a comma list, or `*`) names `etag` exactly. Weak validators
 * (`W/"…"`) never match: the comparison is strong, as production's.
 */
export function ifNoneMatchHits(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  return header.split(',').some((candidate) => {
    const c = candidate.trim();
    return c === '*' || c === etag;
  });
}

const encoder = new TextEncoder();

/** `404` with an empty body and no Content-Type (production's bare status). */
export function notFound(): UiResponse {
  return { status: 404, headers: {}, body: null };
}

/** A short `text/plain` answer (`400 invalid content hash`, `400 invalid path`, `413 asset too large`). */
export function plainText(status: number, text: string, head: boolean): UiResponse {
  const bytes = encoder.encode(text);
  return {
    status,
    headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': String(bytes.length) },
    body: head ? null : bytes,
  };
}

/** `{"code":"…"}` as production's `Json(...)` sends it (`application/json`, no charset). */
export function jsonCode(status: number, code: string, head: boolean): UiResponse {
  const bytes = encoder.encode(JSON.stringify({ code }));
  return {
    status,
    headers: { 'Content-Type': 'application/json', 'Content-Length': String(bytes.length) },
    body: head ? null : bytes,
  };
}

/** A served file: 200 with every header of spec 02, or 304 with ETag, Cache-Control and (HTML) CSP. */
export function assetResponse(input: {
  bytes: Uint8Array;
  etag: string;
  contentType: string;
  csp: string;
  notModified: boolean;
  head: boolean;
}): UiResponse {
  const html = input.contentType === 'text/html';
  if (input.notModified) {
    const headers: Record<string, string> = { ETag: input.etag, 'Cache-Control': IMMUTABLE_CACHE };
    if (html) headers['Content-Security-Policy'] = input.csp;
    return { status: 304, headers, body: null };
  }
  const headers: Record<string, string> = {
    'Content-Type': input.contentType,
    'Content-Length': String(input.bytes.length),
    ETag: input.etag,
    'Cache-Control': IMMUTABLE_CACHE,
    'X-Content-Type-Options': 'nosniff',
  };
  if (html) headers['Content-Security-Policy'] = input.csp;
  return { status: 200, headers, body: input.head ? null : input.bytes };
}
