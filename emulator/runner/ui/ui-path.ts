// Pure decoding of `/ext-ui/{extId}/{contentHash}/{*path}` URLs (spec 02): route split, content
// hash form, path sanitising and content types. No I/O; the router and ui-assets.ts use these.

/** A URL that has the shape of the ext-ui route; nothing in it is validated yet. */
export interface UiRoute {
  /** Percent-decoded `{extId}` segment. */
  extensionId: string;
  /** Percent-decoded `{contentHash}` segment (checked in step 1). */
  contentHash: string;
  /** The `{*path}` tail, still percent-encoded and never empty (sanitized in step 6). */
  path: string;
  /** First `?tenant=` value; `?path=`, `?extensionId=`, `?parentOrigin=` are the page's, never read. */
  tenant: string | undefined;
}

/** The allowed extensions of a last path segment that has a dot, with their Content-Type essence. */
export const UI_CONTENT_TYPES: Readonly<Record<string, string>> = {
  html: 'text/html',
  js: 'text/javascript',
  css: 'text/css',
  json: 'application/json',
  map: 'text/plain',
  svg: 'image/svg+xml',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  webp: 'image/webp',
  woff: 'font/woff',
  woff2: 'font/woff2',
};

/** For an existing file whose name has no dot (allowed, "directory-like"); nosniff keeps it inert. */
const NO_EXTENSION_TYPE = 'application/octet-stream';
/**
 * Longest decoded file-name segment (UTF-8 bytes): NAME_MAX of common file systems. A longer
 * one cannot name a file of the bundle and would only make the stat fail (ENAMETOOLONG).
 */
export const UI_PATH_MAX_SEGMENT_BYTES = 255;
/** Longest decoded path tail (UTF-8 bytes), well inside PATH_MAX once joined to the cache folder. */
export const UI_PATH_MAX_BYTES = 1024;
const ROUTE = /^\/ext-ui\/([^/]+)\/([^/]+)\/(.+)$/s;
const CONTENT_HASH = /^sha256:[0-9a-f]{64}$/i;

/**
 * Splits a raw request URL (path + query, as received) into the route's parts, or null when it
 * is not `/ext-ui/{extId}/{contentHash}/{non-empty tail}`: `/ext-ui/x/h` and `/ext-ui/x/h/` are
 * unmatched (404), as with production's router.
 *
 * @example parseUiUrl('/ext-ui/ext-1/sha256:ab…/app.js?tenant=t1') // { extensionId: 'ext-1', …, path: 'app.js', tenant: 't1' }
 */
export function parseUiUrl(url: string): UiRoute | null {
  const q = url.indexOf('?');
  const pathname = q < 0 ? url : url.slice(0, q);
  const match = ROUTE.exec(pathname);
  if (!match) return null;
  const extensionId = decode(match[1] ?? '');
  const contentHash = decode(match[2] ?? '');
  if (extensionId === null || contentHash === null) return null;
  const tenant = q < 0 ? null : new URLSearchParams(url.slice(q + 1)).get('tenant');
  return { extensionId, contentHash, path: match[3] ?? '', tenant: tenant ?? undefined };
}

/**
 * Step 1: the `sha256:<lowercase hex>` form of a `sha256:` + 64-hex segment, or null (400).
 * The hex is case-insensitive; the prefix is the literal `sha256:`, as in production.
 */
export function parseUiContentHash(segment: string): string | null {
  return CONTENT_HASH.test(segment) && segment.startsWith('sha256:') ? segment.toLowerCase() : null;
}

/**
 * Step 6: the file path inside the UI root as clean segments (`[]` = the root), or null for
 * `400 invalid path`. The tail is percent-decoded first (so `%2e%2e`, `%00`, `%5c` are judged
 * decoded); then refused: malformed encoding, NUL/control characters, backslashes, an absolute
 * path (leading `/`), `.`/`..` and other dot-prefixed (hidden) segments, and a last segment with a
 * dot whose lowercased extension is not in UI_CONTENT_TYPES (a trailing dot included), and (the
 * emulator's own rule) a tail over UI_PATH_MAX_BYTES or a segment over UI_PATH_MAX_SEGMENT_BYTES,
 * so no request reaches the file system with a name it cannot hold. Repeated and trailing `/` collapse.
 *
 * @example sanitizeUiPath('nested//x.json') // ['nested', 'x.json']
 */
export function sanitizeUiPath(raw: string): string[] | null {
  const decoded = decode(raw);
  if (decoded === null || hasControl(decoded) || decoded.includes('\\') || decoded.startsWith('/')) return null;
  if (Buffer.byteLength(decoded, 'utf8') > UI_PATH_MAX_BYTES) return null;
  const segments = decoded.split('/').filter((s) => s !== '');
  if (segments.some((s) => Buffer.byteLength(s, 'utf8') > UI_PATH_MAX_SEGMENT_BYTES)) return null;
  if (segments.some((s) => s.startsWith('.'))) return null;
  const last = segments.at(-1);
  if (last !== undefined && last.includes('.') && uiExtension(last) === null) return null;
  return segments;
}

/**
 * Content-Type essence (no charset) for a served file name: the allowlisted type, or
 * `application/octet-stream` for a name without a dot.
 *
 * @example uiContentType('app.JS') // 'text/javascript'
 */
export function uiContentType(name: string): string {
  const ext = uiExtension(name);
  return ext === null ? NO_EXTENSION_TYPE : (UI_CONTENT_TYPES[ext] ?? NO_EXTENSION_TYPE);
}

/** The lowercased allowlisted extension of `name`, or null (no dot, or not allowed). */
function uiExtension(name: string): string | null {
  const dot = name.lastIndexOf('.');
  if (dot < 0) return null;
  const ext = name.slice(dot + 1).toLowerCase();
  return Object.hasOwn(UI_CONTENT_TYPES, ext) ? ext : null;
}

/** C0 controls (NUL included), DEL and C1 controls. */
function hasControl(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code <= 0x1f || (code >= 0x7f && code <= 0x9f)) return true;
  }
  return false;
}

function decode(raw: string): string | null {
  try {
    return decodeURIComponent(raw);
  } catch {
    return null;
  }
}
