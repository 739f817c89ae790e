// The iframe URL of an extension UI (spec 05 "The iframe"), as production's buildExtUiSrc builds
// it, plus the host's `parentOrigin` suffix. Pure: no DOM, unit-tested in Node.

/** Default `RUNNER_PUBLIC_BASE`: the host proxies `/runner/*` to the Runner. */
export const DEFAULT_RUNNER_PUBLIC_BASE = '/runner';

const CONTENT_HASH = /^sha256:[0-9a-f]{64}$/i;

export interface ExtUiSrcOptions {
  /** Sent as `&tenant=`; omitted when absent or empty. */
  tenantId?: string;
  /** `RUNNER_PUBLIC_BASE`; trailing slashes are dropped. Default `/runner`. */
  publicBase?: string;
}

/**
 * `{base}/ext-ui/{extId}/{hash}/index.html?path=…[&tenant=…]&extensionId=…`, every part
 * percent-encoded (so the hash's `:` is `%3A`). Throws on a hash that is not `sha256:` + 64 hex.
 *
 * @example buildExtUiSrc('ext-1', 'sha256:' + 'a'.repeat(64), '/', { tenantId: 't1' })
 * // '/runner/ext-ui/ext-1/sha256%3Aaaa…/index.html?path=%2F&tenant=t1&extensionId=ext-1'
 */
export function buildExtUiSrc(extId: string, contentHash: string, clientPath: string, options: ExtUiSrcOptions = {}): string {
  if (!CONTENT_HASH.test(contentHash)) {
    throw new Error(`Failed to build the extension UI URL: content hash "${contentHash}" is not sha256:<64 hex>. Use the install's contentHash from the registry.`);
  }
  const base = (options.publicBase ?? DEFAULT_RUNNER_PUBLIC_BASE).replace(/\/+$/, '');
  const tenant = options.tenantId ? `&tenant=${encodeURIComponent(options.tenantId)}` : '';
  return `${base}/ext-ui/${encodeURIComponent(extId)}/${encodeURIComponent(contentHash)}/index.html`
    + `?path=${encodeURIComponent(clientPath || '/')}${tenant}&extensionId=${encodeURIComponent(extId)}`;
}

/** What the host appends to the built URL: `&parentOrigin={host origin}`. */
export function withParentOrigin(src: string, parentOrigin: string): string {
  return `${src}${src.includes('?') ? '&' : '?'}parentOrigin=${encodeURIComponent(parentOrigin)}`;
}

/** The origin the iframe's messages must come from: its src resolved against the host page. */
export function frameOrigin(src: string, pageHref: string): string {
  return new URL(src, pageHref).origin;
}
