import { describe, expect, it } from 'vitest';
import { ShapeError, parseExecuteBody } from './request-body.ts';

function minimalBody(): Record<string, unknown> {
  return {
    context: { tenant_id: 'tenant-a', extension_id: 'ext-1', content_hash: `sha256:${'a'.repeat(64)}` },
    http: { method: 'GET', path: '/dynamic/echo' },
  };
}

/** The minimal body with `patch` applied at a dotted path (`undefined` deletes the field). */
function bodyWith(path: string, value: unknown): Record<string, unknown> {
  const body = minimalBody();
  const parts = path.split('.');
  let target = body;
  for (const part of parts.slice(0, -1)) target = target[part] as Record<string, unknown>;
  const last = parts.at(-1) as string;
  if (value === undefined) delete target[last];
  else target[last] = value;
  return body;
}

function shapeError(json: unknown): ShapeError {
  try {
    parseExecuteBody(json);
  } catch (err) {
    expect(err).toBeInstanceOf(ShapeError);
    return err as ShapeError;
  }
  throw new Error('expected a ShapeError, the body was accepted');
}

describe('parseExecuteBody', () => {
  it('accepts a minimal valid body and returns it', () => {
    const body = minimalBody();
    expect(parseExecuteBody(body)).toBe(body);
  });

  it('accepts a full body with every optional field', () => {
    const body = {
      context: {
        request_id: 'req-1',
        tenant_id: 'tenant-a',
        extension_id: 'ext-1',
        install_id: 'install-1',
        version_id: 'v1',
        content_hash: 'A'.repeat(64),
        config: { mode: 'test' },
      },
      http: { method: 'POST', path: '/x', query: { a: '1' }, headers: { 'content-type': 'application/json' }, body_b64: 'e30=' },
      limits: { timeout_ms: 1000, memory_mb: 64, fuel: 123 },
      providers: ['cap:storage.kv'],
      secret_envelope: { ciphertext_b64: '', algorithm: 'inline/base64', version: null, expires_at: null, key_path: null, mount: null },
      user: {
        user_id: 'u',
        user_email: 'u@example.com',
        user_name: 'U',
        user_type: 'internal',
        client_name: 'Acme',
        company_name: null,
        client_id: 'c',
        additional_fields: { k: 'v' },
      },
    };
    expect(parseExecuteBody(body)).toBe(body);
  });

  it('answers a ShapeError naming the missing context.tenant_id', () => {
    expect(shapeError(bodyWith('context.tenant_id', undefined)).message).toBe('context: missing field `tenant_id`');
  });

  it.each([
    ['context', 'body: missing field `context`'],
    ['http', 'body: missing field `http`'],
    ['context.extension_id', 'context: missing field `extension_id`'],
    ['context.content_hash', 'context: missing field `content_hash`'],
    ['http.method', 'http: missing field `method`'],
    ['http.path', 'http: missing field `path`'],
  ])('answers a ShapeError when %s is missing', (path, message) => {
    expect(shapeError(bodyWith(path, undefined)).message).toBe(message);
  });

  it('answers a ShapeError for providers: null', () => {
    expect(shapeError(bodyWith('providers', null)).message).toBe('providers: invalid type: null, expected a list of strings');
  });

  it('answers a ShapeError for explicit null in a required field', () => {
    expect(shapeError(bodyWith('context.tenant_id', null)).message).toBe('context.tenant_id: invalid type: null, expected a string');
    expect(shapeError(bodyWith('http', null)).message).toBe('http: invalid type: null, expected a JSON object');
  });

  it.each([
    ['user', null],
    ['limits', null],
    ['secret_envelope', null],
    ['context.install_id', null],
    ['context.request_id', null],
    ['http.query', null],
    ['http.headers', null],
    ['http.body_b64', null],
    ['limits', { timeout_ms: null, memory_mb: null }],
  ])('accepts %s: %j', (path, value) => {
    const body = bodyWith(path, value);
    expect(parseExecuteBody(body)).toBe(body);
  });

  it.each([
    ['limits', { timeout_ms: -1 }, 'limits.timeout_ms: invalid type: number -1, expected a non-negative integer'],
    ['limits', { timeout_ms: 1.5 }, 'limits.timeout_ms: invalid type: number 1.5, expected a non-negative integer'],
    ['limits', { memory_mb: '256' }, 'limits.memory_mb: invalid type: string "256", expected a non-negative integer'],
    ['http.query', { a: 1 }, 'http.query: invalid type: map, expected a map of strings'],
    ['http.headers', ['x'], 'http.headers: invalid type: sequence, expected a map of strings'],
    ['providers', ['cap:storage.kv', 3], 'providers: invalid type: sequence, expected a list of strings'],
    ['providers', 'cap:storage.kv', 'providers: invalid type: string "cap:storage.kv", expected a list of strings'],
    ['context.tenant_id', 42, 'context.tenant_id: invalid type: number 42, expected a string'],
    ['user', { user_id: 'u', user_email: 'e', user_name: 'n' }, 'user: missing field `user_type`'],
    ['secret_envelope', {}, 'secret_envelope: missing field `ciphertext_b64`'],
    ['http', 'GET /', 'http: invalid type: expected a JSON object'],
  ])('answers a ShapeError for %s: %j', (path, value, message) => {
    expect(shapeError(bodyWith(path, value)).message).toBe(message);
  });

  it.each([null, [], 'text', 42])('answers a ShapeError for the non-object body %j', (json) => {
    expect(shapeError(json).message).toBe('body: invalid type: expected a JSON object');
  });

  it('ignores unknown fields at the top level and nested', () => {
    const body = minimalBody();
    body.endpoint = '/old/style';
    body.extra = { anything: [1, 2, 3] };
    (body.context as Record<string, unknown>).surprise = 7;
    (body.http as Record<string, unknown>).url = 'https://ignored.example/';
    body.limits = { timeout_ms: 10, unknown_limit: 'x' };
    body.user = { user_id: 'u', user_email: 'e', user_name: 'n', user_type: 't', favourite_colour: 5 };
    expect(parseExecuteBody(body)).toBe(body);
  });

  it('accepts any value for limits.fuel (it is ignored)', () => {
    const body = bodyWith('limits', { fuel: 'lots' });
    expect(parseExecuteBody(body)).toBe(body);
  });
});
