/**
 * Production's checks of a schedule's fields, with its messages word for word
 * (Nine-Minds/alga-psa ee/server/src/lib/extensions/schedulerValidation.ts, the same rules as
 * ee/server/src/lib/actions/extensionScheduleActions.ts). A failed check names one field; the
 * host API answers `{ success: false, error: message, fieldErrors: { [field]: message } }`.
 */

/** One field's validation failure. */
export class ScheduleFieldError extends Error {
  readonly field: string;
  constructor(field: string, message: string) {
    super(message);
    this.name = 'ScheduleFieldError';
    this.field = field;
  }

  /** `{ [field]: message }`, the `fieldErrors` map of a result. */
  get fieldErrors(): Record<string, string> {
    return { [this.field]: this.message };
  }
}

function fail(field: string, message: string): never {
  throw new ScheduleFieldError(field, message);
}

/** Max schedules one install may have. */
export const MAX_SCHEDULES_PER_INSTALL = 50;
/** Max characters of a payload's JSON text. */
export const MAX_PAYLOAD_CHARS = 100_000;

const TOO_FREQUENT = new Set(['*', '*/1', '*/2', '*/3', '*/4']);

/** Five fields (m h dom mon dow), digits and `* / , -` only, not both dom and dow, every ≥ 5 minutes. */
export function validateCron(cron: unknown): string {
  const value = String(cron ?? '').trim();
  if (value.length > 128) fail('cron', 'Cron expression too long');
  const parts = value.split(/\s+/).filter(Boolean);
  if (parts.length !== 5) fail('cron', 'Invalid cron expression (expected 5 fields: m h dom mon dow)');
  if (parts.some((part) => !/^[0-9*/,-]+$/.test(part))) fail('cron', 'Invalid cron expression (unsupported characters)');
  const [min, hour, dom, mon, dow] = parts;
  if (dom !== '*' && dow !== '*') fail('cron', 'Cron cannot set both day-of-month and day-of-week');
  if (hour === '*' && dom === '*' && mon === '*' && dow === '*' && TOO_FREQUENT.has(min ?? '')) {
    fail('cron', 'Cron too frequent (minimum interval is 5 minutes)');
  }
  return value;
}

/** An IANA zone `Intl` knows; empty → `UTC`. */
export function validateTimezone(timezone: unknown): string {
  const value = String(timezone || 'UTC').trim();
  if (!value) return 'UTC';
  if (value.length > 64) fail('timezone', 'Timezone too long');
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: value }).format(new Date(0));
  } catch {
    fail('timezone', 'Invalid timezone');
  }
  return value;
}

/** Trimmed name, null when empty, at most 128 characters. */
export function validateName(name: unknown): string | null {
  if (name === null || name === undefined) return null;
  const value = String(name).trim();
  if (!value) return null;
  if (value.length > 128) fail('name', 'Name too long');
  return value;
}

/**
 * The guest's payload: JSON text (the WIT field is a string) of an object or array, ≤ 100 000
 * characters once serialized. Returns the JSON text to store, or null for no payload.
 */
export function validatePayloadText(payload: string | undefined | null): string | null {
  if (payload === undefined || payload === null) return null;
  let value: unknown;
  try {
    value = JSON.parse(payload);
  } catch {
    fail('payload', PAYLOAD_NOT_JSON);
  }
  if (value === null) return null;
  if (typeof value !== 'object') fail('payload', PAYLOAD_NOT_JSON);
  const json = JSON.stringify(value);
  if (json.length > MAX_PAYLOAD_CHARS) fail('payload', 'Payload too large');
  return json;
}

/** Spec 03's message for payload text that is not a JSON object or array. */
export const PAYLOAD_NOT_JSON = 'Payload must be valid JSON object or array';

/** Production's UUID shape check of schedule ids (versions 1-5, RFC variant). */
export function isScheduleUuid(id: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[1-5][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i.test(id.trim());
}

/** Only GET and POST endpoints without path parameters can be scheduled (production's getEndpoints rule). */
export function isSchedulable(method: string, path: string): boolean {
  return ['GET', 'POST'].includes(method.toUpperCase()) && !/[:{}]/.test(path);
}

/** `"POST /sync"` or `"/sync"` → method (when given) and a path with one leading slash. */
export function parseEndpointSelector(selector: string): { method?: string; path: string } {
  const raw = selector.trim();
  const match = /^([A-Za-z]+)\s+(.+)$/.exec(raw);
  const normalize = (p: string) => (p.trim() === '' ? '' : `/${p.trim()}`.replace(/^\/+/, '/').replace(/\/{2,}/g, '/'));
  return match?.[1] && match[2] ? { method: match[1].toUpperCase(), path: normalize(match[2]) } : { path: normalize(raw) };
}
