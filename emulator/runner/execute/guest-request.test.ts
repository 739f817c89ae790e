import { describe, expect, it } from 'vitest';
import { EmulatorError } from '../../errors.ts';
import type { InvocationScope } from '../../contracts/invocation.ts';
import { buildUrl, decodeBody, toGuestRequest, toInvocationUser } from './guest-request.ts';

function decodeError(b64: string): EmulatorError {
  try {
    decodeBody(b64);
  } catch (err) {
    expect(err).toBeInstanceOf(EmulatorError);
    return err as EmulatorError;
  }
  throw new Error(`expected ${JSON.stringify(b64)} to be rejected`);
}

describe('buildUrl', () => {
  it('appends the form-urlencoded query after "?"', () => {
    expect(buildUrl('/dynamic/echo', { foo: 'bar' })).toBe('/dynamic/echo?foo=bar');
  });

  it('joins several parameters with "&" in the given order', () => {
    expect(buildUrl('/p', { b: '2', a: '1' })).toBe('/p?b=2&a=1');
  });

  it('continues with "&" when the path already has a "?"', () => {
    expect(buildUrl('/p?x=1', { y: '2' })).toBe('/p?x=1&y=2');
  });

  it('encodes spaces as "+" and reserved characters with percent escapes', () => {
    expect(buildUrl('/search', { q: 'a b', 'k&=': 'v/?#' })).toBe('/search?q=a+b&k%26%3D=v%2F%3F%23');
  });

  it('leaves the path unchanged for an empty or absent query', () => {
    expect(buildUrl('/p', {})).toBe('/p');
    expect(buildUrl('/p', undefined)).toBe('/p');
    expect(buildUrl('/p?x=1', {})).toBe('/p?x=1');
  });

  it('keeps a parameter with an empty value', () => {
    expect(buildUrl('/p', { flag: '' })).toBe('/p?flag=');
  });
});

describe('decodeBody', () => {
  it('answers none for an absent or null body', () => {
    expect(decodeBody(undefined)).toBeUndefined();
    expect(decodeBody(null)).toBeUndefined();
  });

  it('answers empty bytes for ""', () => {
    const body = decodeBody('');
    expect(body).toBeInstanceOf(Uint8Array);
    expect(body).toEqual(new Uint8Array());
  });

  it('decodes standard padded base64', () => {
    expect(decodeBody('aGk=')).toEqual(new TextEncoder().encode('hi'));
    expect(decodeBody('AP8=')).toEqual(Uint8Array.of(0, 255));
    expect(decodeBody('+/+/')).toEqual(Uint8Array.of(0xfb, 0xff, 0xbf));
  });

  it.each(['not base64!', 'aGk', 'a===', '-_-_', 'aGk=\n', 'aG k='])('rejects %j as execute_failed: invalid body base64', (b64) => {
    const err = decodeError(b64);
    expect(err.code).toBe('EXECUTE_FAILED');
    expect(err.status).toBe(500);
    expect(err.message.startsWith('execute_failed: invalid body base64')).toBe(true);
    expect(err.message).toBe('execute_failed: invalid body base64: expected standard padded base64');
  });
});

describe('toGuestRequest', () => {
  const scope: InvocationScope = {
    requestId: 'req-1',
    tenantId: 'tenant-a',
    extensionId: 'ext-1',
    installId: undefined,
    versionId: 'v1',
    contentHash: `sha256:${'0'.repeat(64)}`,
    grants: new Set(),
    user: undefined,
    secrets: undefined,
    emit: () => undefined,
  };

  it('builds the guest request from the scope and http section', () => {
    expect(
      toGuestRequest(scope, {
        method: 'patch',
        path: '/dynamic/echo',
        query: { foo: 'bar' },
        headers: { 'X-One': '1', accept: 'text/plain' },
        body_b64: 'aGk=',
      }),
    ).toEqual({
      context: { requestId: 'req-1', tenantId: 'tenant-a', extensionId: 'ext-1', installId: undefined, versionId: 'v1' },
      http: {
        method: 'patch',
        url: '/dynamic/echo?foo=bar',
        headers: [
          { name: 'X-One', value: '1' },
          { name: 'accept', value: 'text/plain' },
        ],
        body: new TextEncoder().encode('hi'),
      },
    });
  });

  it('passes null query, headers and body as empty / none', () => {
    expect(toGuestRequest(scope, { method: 'GET', path: '/p', query: null, headers: null, body_b64: null }).http).toEqual({
      method: 'GET',
      url: '/p',
      headers: [],
      body: undefined,
    });
  });
});

describe('toInvocationUser', () => {
  const base = { user_id: 'u', user_email: 'u@example.com', user_name: 'U', user_type: 'internal' };

  it('answers undefined without a user', () => {
    expect(toInvocationUser(undefined)).toBeUndefined();
    expect(toInvocationUser(null)).toBeUndefined();
  });

  it('takes company_name as an alias of client_name', () => {
    expect(toInvocationUser({ ...base, company_name: 'Old Co' })?.clientName).toBe('Old Co');
    expect(toInvocationUser({ ...base, client_name: 'New Co', company_name: 'Old Co' })?.clientName).toBe('New Co');
  });

  it('normalises absent optional fields', () => {
    expect(toInvocationUser({ ...base, client_id: null, additional_fields: null })).toEqual({
      userId: 'u',
      userEmail: 'u@example.com',
      userName: 'U',
      userType: 'internal',
      clientName: undefined,
      clientId: undefined,
      additionalFields: {},
    });
  });
});
