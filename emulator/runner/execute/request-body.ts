import type { SecretEnvelope } from '../../contracts/secret-envelope.ts';

/** The `/v1/execute` JSON body after shape validation (spec 02). */
export interface ExecuteBody {
  context: {
    request_id?: string | null;
    tenant_id: string;
    extension_id: string;
    install_id?: string | null;
    version_id?: string | null;
    content_hash: string;
    config?: Record<string, string> | null;
  };
  http: {
    method: string;
    path: string;
    query?: Record<string, string> | null;
    headers?: Record<string, string> | null;
    body_b64?: string | null;
  };
  limits?: { timeout_ms?: number | null; memory_mb?: number | null } | null;
  providers?: string[];
  secret_envelope?: SecretEnvelope | null;
  user?: {
    user_id: string;
    user_email: string;
    user_name: string;
    user_type: string;
    client_name?: string | null;
    company_name?: string | null;
    client_id?: string | null;
    additional_fields?: Record<string, string> | null;
  } | null;
}

/** A 422 framework rejection: the body is JSON but not of the expected shape. */
export class ShapeError extends Error {}

type Kind = 'string' | 'u64' | 'stringMap' | 'stringList' | 'any';
interface Field {
  kind: Kind | Record<string, Field>;
  optional?: boolean;
  /** Optional but an explicit null is refused (serde `#[serde(default)]` on a non-Option). */
  nullable?: boolean;
}

const req = (kind: Field['kind']): Field => ({ kind });
const opt = (kind: Field['kind']): Field => ({ kind, optional: true, nullable: true });

const SCHEMA: Record<string, Field> = {
  context: req({
    request_id: opt('string'),
    tenant_id: req('string'),
    extension_id: req('string'),
    install_id: opt('string'),
    version_id: opt('string'),
    content_hash: req('string'),
    config: opt('stringMap'),
  }),
  http: req({
    method: req('string'),
    path: req('string'),
    query: opt('stringMap'),
    headers: opt('stringMap'),
    body_b64: opt('string'),
  }),
  limits: opt({ timeout_ms: opt('u64'), memory_mb: opt('u64'), fuel: opt('any') }),
  providers: { kind: 'stringList', optional: true, nullable: false },
  secret_envelope: opt({
    ciphertext_b64: req('string'),
    algorithm: opt('string'),
    version: opt('string'),
    expires_at: opt('string'),
    key_path: opt('string'),
    mount: opt('string'),
  }),
  user: opt({
    user_id: req('string'),
    user_email: req('string'),
    user_name: req('string'),
    user_type: req('string'),
    client_name: opt('string'),
    company_name: opt('string'),
    client_id: opt('string'),
    additional_fields: opt('stringMap'),
  }),
};

/** Validates the decoded JSON; unknown fields are ignored everywhere. Throws ShapeError. */
export function parseExecuteBody(json: unknown): ExecuteBody {
  checkObject(json, SCHEMA, '');
  return json as ExecuteBody;
}

function checkObject(value: unknown, schema: Record<string, Field>, path: string): void {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new ShapeError(`${path || 'body'}: invalid type: expected a JSON object`);
  }
  const record = value as Record<string, unknown>;
  for (const [name, field] of Object.entries(schema)) {
    const where = path ? `${path}.${name}` : name;
    const v = record[name];
    if (v === undefined) {
      if (!field.optional) throw new ShapeError(`${path || 'body'}: missing field \`${name}\``);
      continue;
    }
    if (v === null) {
      if (field.optional && field.nullable) continue;
      throw new ShapeError(`${where}: invalid type: null, expected ${expected(field.kind)}`);
    }
    if (typeof field.kind === 'object') checkObject(v, field.kind, where);
    else checkScalar(v, field.kind, where);
  }
}

function checkScalar(v: unknown, kind: Kind, where: string): void {
  const ok =
    kind === 'any' ||
    (kind === 'string' && typeof v === 'string') ||
    (kind === 'u64' && typeof v === 'number' && Number.isInteger(v) && v >= 0) ||
    (kind === 'stringList' && Array.isArray(v) && v.every((x) => typeof x === 'string')) ||
    (kind === 'stringMap' && isStringMap(v));
  if (!ok) throw new ShapeError(`${where}: invalid type: ${describe(v)}, expected ${expected(kind)}`);
}

function isStringMap(v: unknown): boolean {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && Object.values(v).every((x) => typeof x === 'string');
}

function expected(kind: Field['kind']): string {
  if (typeof kind === 'object') return 'a JSON object';
  return { string: 'a string', u64: 'a non-negative integer', stringMap: 'a map of strings', stringList: 'a list of strings', any: 'a value' }[kind];
}

function describe(v: unknown): string {
  if (Array.isArray(v)) return 'sequence';
  if (typeof v === 'number') return `number ${v}`;
  if (typeof v === 'string') return `string ${JSON.stringify(v)}`;
  return typeof v === 'object' ? 'map' : typeof v;
}
