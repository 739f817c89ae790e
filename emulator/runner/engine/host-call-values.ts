/**
 * JSON-safe, secret-redacted copies of host-call arguments and results for `HostCallRecord`
 * (the harness's capability ledger). Runs on the main thread for every host call, so it never
 * copies large payloads: bytes become their length plus a short UTF-8 preview, long strings are cut.
 */

/** What a redacted value reads as. */
export const REDACTED = '[redacted]';
/** Characters of UTF-8 preview kept for a byte payload. */
export const BYTES_PREVIEW_CHARS = 256;
/** Longest string kept whole; longer ones are cut and marked. */
export const MAX_STRING_CHARS = 4096;
/** Secrets at least this long are also redacted inside longer strings (shorter ones only when equal). */
export const MIN_EMBEDDED_SECRET_CHARS = 4;
const MAX_DEPTH = 8;

/** How a byte payload (`list<u8>`) appears in a record. */
export interface BytesSummary {
  bytes: number;
  /** The first characters as UTF-8, when the start of the payload is valid UTF-8. */
  utf8?: string;
}

/**
 * Copies a host value into plain JSON: bigint → decimal string, bytes → `{ bytes, utf8? }`,
 * `undefined` fields dropped, any string equal to a secret value (or containing one of at least
 * MIN_EMBEDDED_SECRET_CHARS characters) → `"[redacted]"`.
 *
 * @example recordValue({ key: 'k', value: new TextEncoder().encode('hi'), revision: 2n }, ['tok'])
 * // { key: 'k', value: { bytes: 2, utf8: 'hi' }, revision: '2' }
 */
export function recordValue(value: unknown, secrets: readonly string[], depth = 0): unknown {
  switch (typeof value) {
    case 'string':
      return redactString(value, secrets);
    case 'bigint':
      return value.toString();
    case 'number':
      return Number.isFinite(value) ? value : String(value);
    case 'boolean':
      return value;
    case 'undefined':
      return null;
    case 'object':
      break;
    default:
      return String(value);
  }
  if (value === null) return null;
  if (ArrayBuffer.isView(value)) return bytesSummary(new Uint8Array(value.buffer, value.byteOffset, value.byteLength), secrets);
  if (value instanceof ArrayBuffer) return bytesSummary(new Uint8Array(value), secrets);
  if (depth >= MAX_DEPTH) return '[too deep]';
  if (Array.isArray(value)) return value.map((item) => recordValue(item, secrets, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) {
    if (field !== undefined) out[key] = recordValue(field, secrets, depth + 1);
  }
  return out;
}

/** The non-empty secret values of an invocation, longest first (so a longer one wins over its prefix). */
export function secretValues(secrets: Readonly<Record<string, string>> | undefined): string[] {
  if (!secrets) return [];
  return Object.values(secrets).filter((v) => typeof v === 'string' && v !== '').sort((a, b) => b.length - a.length);
}

/**
 * `value` with every secret replaced by `"[redacted]"`: the whole string when it equals one, else
 * each embedded occurrence of one at least MIN_EMBEDDED_SECRET_CHARS long. Never cuts.
 *
 * @example redactSecrets('Bearer tok-123', ['tok-123']) // 'Bearer [redacted]'
 */
export function redactSecrets(value: string, secrets: readonly string[]): string {
  let out = value;
  for (const secret of secrets) {
    if (out === secret) return REDACTED;
    if (secret.length >= MIN_EMBEDDED_SECRET_CHARS && out.includes(secret)) out = out.replaceAll(secret, REDACTED);
  }
  return out;
}

function redactString(value: string, secrets: readonly string[]): string {
  const out = redactSecrets(value, secrets);
  return out.length > MAX_STRING_CHARS ? `${out.slice(0, MAX_STRING_CHARS)}…(+${out.length - MAX_STRING_CHARS} chars)` : out;
}

function bytesSummary(bytes: Uint8Array, secrets: readonly string[]): BytesSummary {
  // 4 bytes per character at most; `stream` keeps a sequence cut at the end from counting as invalid.
  const head = bytes.subarray(0, BYTES_PREVIEW_CHARS * 4);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(head, { stream: true });
  } catch {
    return { bytes: bytes.byteLength };
  }
  const preview = Array.from(text).slice(0, BYTES_PREVIEW_CHARS).join('');
  return { bytes: bytes.byteLength, utf8: redactString(preview, secrets) };
}
