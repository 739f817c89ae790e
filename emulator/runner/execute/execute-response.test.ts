import { describe, expect, it } from 'vitest';
import { failure, isAllowedResponseHeader, successEnvelope } from './execute-response.ts';

function envelopeOf(response: Parameters<typeof successEnvelope>[0]) {
  const dropped: string[] = [];
  const envelope = successEnvelope(response, (name) => dropped.push(name));
  return { envelope, dropped };
}

describe('successEnvelope', () => {
  it('answers the guest status, header map, base64 body and a null error in contract key order', () => {
    const { envelope, dropped } = envelopeOf({
      status: 201,
      headers: [{ name: 'content-type', value: 'application/json' }],
      body: new TextEncoder().encode('{"ok":true}'),
    });
    expect(envelope).toEqual({
      status: 201,
      headers: { 'content-type': 'application/json' },
      body_b64: Buffer.from('{"ok":true}').toString('base64'),
      error: null,
    });
    expect(Object.keys(envelope)).toEqual(['status', 'headers', 'body_b64', 'error']);
    expect(dropped).toEqual([]);
  });

  it('keeps the last value of a duplicated header', () => {
    const { envelope } = envelopeOf({
      status: 200,
      headers: [
        { name: 'x-ext-trace', value: 'first' },
        { name: 'x-ext-trace', value: 'second' },
        { name: 'x-ext-trace', value: 'last' },
      ],
      body: undefined,
    });
    expect(envelope.headers).toEqual({ 'x-ext-trace': 'last' });
  });

  it('keeps header names exactly as the guest gave them', () => {
    const { envelope } = envelopeOf({
      status: 200,
      headers: [
        { name: 'Content-Type', value: 'text/plain' },
        { name: 'ETag', value: '"abc"' },
        { name: 'X-Ext-Request', value: 'r1' },
        { name: 'Cache-Control', value: 'no-store' },
      ],
      body: undefined,
    });
    expect(envelope.headers).toEqual({ 'Content-Type': 'text/plain', ETag: '"abc"', 'X-Ext-Request': 'r1', 'Cache-Control': 'no-store' });
  });

  it('drops headers outside the allowlist and reports each dropped name', () => {
    const { envelope, dropped } = envelopeOf({
      status: 200,
      headers: [
        { name: 'Set-Cookie', value: 'a=1' },
        { name: 'content-type', value: 'text/html' },
        { name: 'location', value: '/x' },
        { name: 'x-extension', value: 'not x-ext-' },
        { name: 'Set-Cookie', value: 'b=2' },
      ],
      body: undefined,
    });
    expect(envelope.headers).toEqual({ 'content-type': 'text/html' });
    expect(dropped).toEqual(['Set-Cookie', 'location', 'x-extension', 'Set-Cookie']);
  });

  it('answers body_b64 null for no body and "" for an empty body', () => {
    expect(envelopeOf({ status: 204, headers: [], body: undefined }).envelope.body_b64).toBeNull();
    expect(envelopeOf({ status: 200, headers: [], body: new Uint8Array() }).envelope.body_b64).toBe('');
  });

  it('keeps guest 4xx and 5xx statuses with error null', () => {
    expect(envelopeOf({ status: 503, headers: [], body: undefined }).envelope).toEqual({
      status: 503,
      headers: {},
      body_b64: null,
      error: null,
    });
  });
});

describe('isAllowedResponseHeader', () => {
  it.each(['content-type', 'Cache-Control', 'ETAG', 'x-ext-anything', 'X-EXT-'])('allows %s', (name) => {
    expect(isAllowedResponseHeader(name)).toBe(true);
  });

  it.each(['set-cookie', 'location', 'x-extension', 'content-length', 'access-control-allow-origin'])('refuses %s', (name) => {
    expect(isAllowedResponseHeader(name)).toBe(false);
  });
});

describe('failure', () => {
  it('answers the failure envelope with empty headers and a null body', () => {
    const envelope = failure(400, 'missing_routing_headers');
    expect(envelope).toEqual({ status: 400, headers: {}, body_b64: null, error: 'missing_routing_headers' });
    expect(Object.keys(envelope)).toEqual(['status', 'headers', 'body_b64', 'error']);
  });
});
