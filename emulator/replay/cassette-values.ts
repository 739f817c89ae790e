/**
 * Host-call values as a cassette keeps them: plain JSON that decodes back to exactly what jco
 * passed or returned, so a replay can answer the guest with it and compare arguments in full.
 * (The ledger's `recordValue` keeps only previews; a cassette must not.)
 *
 * Tags, each an object with one `$` key (WIT records and variants never have such keys):
 * `{"$utf8": text}` bytes that are valid UTF-8, `{"$bytes": base64}` other bytes,
 * `{"$bigint": "12"}`, `{"$undefined": true}` (an option's none where a field cannot be left out),
 * `{"$number": "NaN"}`, `{"$typed": "Uint32Array", "values": [...]}` other typed arrays.
 * Secret values in strings and UTF-8 bytes read `"[redacted]"`, as in the ledger.
 */
import { redactSecrets } from '../runner/engine/host-call-values.ts';

/** JSON as a cassette stores it. */
export type CassetteValue = null | boolean | number | string | CassetteValue[] | { [key: string]: CassetteValue };

const TYPED_ARRAYS = {
  Int8Array, Uint16Array, Int16Array, Uint32Array, Int32Array, Float32Array, Float64Array, BigInt64Array, BigUint64Array,
} as const;
type TypedName = keyof typeof TYPED_ARRAYS;

/**
 * `value` as cassette JSON, secrets redacted.
 * @example encodeValue({ key: 'k', value: new TextEncoder().encode('hi'), revision: 2n }, []) // { key: 'k', value: { $utf8: 'hi' }, revision: { $bigint: '2' } }
 */
export function encodeValue(value: unknown, secrets: readonly string[]): CassetteValue {
  switch (typeof value) {
    case 'string':
      return redactSecrets(value, secrets);
    case 'bigint':
      return { $bigint: value.toString() };
    case 'number':
      return Number.isFinite(value) ? value : { $number: String(value) };
    case 'boolean':
      return value;
    case 'undefined':
      return { $undefined: true };
    case 'object':
      break;
    default:
      throw new TypeError(`a host value of type ${typeof value} cannot be recorded`);
  }
  if (value === null) return null;
  if (value instanceof Uint8Array) return encodeBytes(value, secrets);
  if (ArrayBuffer.isView(value)) return encodeTyped(value);
  if (Array.isArray(value)) return value.map((item) => encodeValue(item, secrets));
  const out: Record<string, CassetteValue> = {};
  for (const [key, field] of Object.entries(value)) {
    if (field !== undefined) out[key] = encodeValue(field, secrets);
  }
  return out;
}

/** The value `encodeValue` stored, as jco passes it (bytes as Uint8Array, bigints, undefined). */
export function decodeValue(value: CassetteValue): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(decodeValue);
  const tag = tagOf(value);
  if (tag === '$utf8') return new TextEncoder().encode(String(value.$utf8));
  if (tag === '$bytes') return new Uint8Array(Buffer.from(String(value.$bytes), 'base64'));
  if (tag === '$bigint') return BigInt(String(value.$bigint));
  if (tag === '$undefined') return undefined;
  if (tag === '$number') return Number(value.$number);
  if (tag === '$typed') return decodeTyped(value);
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) out[key] = decodeValue(field);
  return out;
}

/** Whether two cassette values are the same value (object key order does not matter). */
export function sameValue(a: CassetteValue | undefined, b: CassetteValue | undefined): boolean {
  if (a === b) return true;
  if (a === null || b === null || a === undefined || b === undefined || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((item, i) => sameValue(item, b[i]));
  }
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => Object.hasOwn(b, key) && sameValue(a[key], b[key]));
}

/** Whether `value` is well-formed cassette JSON (tags included); for reading files. */
export function isCassetteValue(value: unknown, depth = 0): value is CassetteValue {
  if (depth > 64) return false;
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value);
  if (Array.isArray(value)) return value.every((item) => isCassetteValue(item, depth + 1));
  if (typeof value !== 'object') return false;
  return Object.values(value).every((field) => isCassetteValue(field, depth + 1));
}

function encodeBytes(bytes: Uint8Array, secrets: readonly string[]): CassetteValue {
  try {
    const text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
    return { $utf8: redactSecrets(text, secrets) };
  } catch {
    return { $bytes: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64') };
  }
}

function encodeTyped(view: ArrayBufferView): CassetteValue {
  const name = view.constructor.name;
  if (!Object.hasOwn(TYPED_ARRAYS, name)) throw new TypeError(`a host value of type ${name} cannot be recorded`);
  const values = Array.from(view as unknown as ArrayLike<number | bigint>, (v) => (typeof v === 'bigint' ? v.toString() : Number.isFinite(v) ? v : String(v)));
  return { $typed: name, values };
}

function decodeTyped(value: { [key: string]: CassetteValue }): unknown {
  const name = String(value.$typed) as TypedName;
  const make = TYPED_ARRAYS[name];
  const values = Array.isArray(value.values) ? value.values : [];
  if (name === 'BigInt64Array' || name === 'BigUint64Array') return (make as BigInt64ArrayConstructor).from(values.map((v) => BigInt(String(v))));
  return (make as Float64ArrayConstructor).from(values.map((v) => Number(v)));
}

function tagOf(value: { [key: string]: CassetteValue }): string | undefined {
  const keys = Object.keys(value);
  if (keys.length === 1 && ['$utf8', '$bytes', '$bigint', '$undefined', '$number'].includes(keys[0] as string)) return keys[0];
  if (keys.length === 2 && keys.includes('$typed') && keys.includes('values')) return '$typed';
  return undefined;
}
