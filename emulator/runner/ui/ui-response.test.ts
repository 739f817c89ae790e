import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_UI_CSP,
  assetResponse,
  ifNoneMatchHits,
  jsonCode,
  notFound,
  plainText,
  uiContentSecurityPolicy,
  uiEtag,
} from './ui-response.ts';

const text = (s: string): Uint8Array => new TextEncoder().encode(s);
const BYTES = text('console.log(1)');
const ETAG = `"sha256-${createHash('sha256').update(BYTES).digest('hex')}"`;

describe('uiContentSecurityPolicy', () => {
  it('is exactly the spec default when nothing is configured', () => {
    expect(uiContentSecurityPolicy({})).toBe(
      "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'",
    );
  });

  it('appends frame-ancestors when EXT_UI_FRAME_ANCESTORS is set', () => {
    expect(uiContentSecurityPolicy({ frameAncestors: "'self' https://psa.example.com" })).toBe(
      `${DEFAULT_UI_CSP}; frame-ancestors 'self' https://psa.example.com`,
    );
  });

  it('lets EXT_UI_CONTENT_SECURITY_POLICY replace the whole value, frame-ancestors included', () => {
    expect(uiContentSecurityPolicy({ override: "default-src 'none'", frameAncestors: 'https://x' })).toBe("default-src 'none'");
  });
});

describe('uiEtag', () => {
  it('is the strong "sha256-<hex of the file bytes>"', () => {
    expect(uiEtag(BYTES)).toBe(ETAG);
  });
});

describe('ifNoneMatchHits', () => {
  it.each([
    [ETAG, true],
    [`"other", ${ETAG}`, true],
    [`"other",${ETAG} , "third"`, true],
    ['*', true],
    [`"a", *`, true],
    [`W/${ETAG}`, false],
    [`W/${ETAG}, "other"`, false],
    ['"other"', false],
    [ETAG.slice(1, -1), false],
    ['', false],
  ])('If-None-Match %j → %j', (header, hit) => {
    expect(ifNoneMatchHits(header, ETAG)).toBe(hit);
  });

  it('misses when the header is absent', () => {
    expect(ifNoneMatchHits(undefined, ETAG)).toBe(false);
  });
});

describe('responses', () => {
  it('404 is empty, without headers', () => {
    expect(notFound()).toEqual({ status: 404, headers: {}, body: null });
  });

  it('plain text carries its length, and HEAD drops only the body', () => {
    expect(plainText(400, 'invalid path', false)).toEqual({
      status: 400,
      headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': '12' },
      body: text('invalid path'),
    });
    expect(plainText(400, 'invalid path', true).body).toBeNull();
    expect(plainText(400, 'invalid path', true).headers['Content-Length']).toBe('12');
  });

  it('json codes are application/json without charset', () => {
    expect(jsonCode(502, 'archive_hash_mismatch', false)).toEqual({
      status: 502,
      headers: { 'Content-Type': 'application/json', 'Content-Length': '32' },
      body: text('{"code":"archive_hash_mismatch"}'),
    });
  });

  const asset = (contentType: string, notModified = false, head = false) =>
    assetResponse({ bytes: BYTES, etag: ETAG, contentType, csp: 'CSP', notModified, head });

  it('200 for a script has every header but no CSP', () => {
    expect(asset('text/javascript')).toEqual({
      status: 200,
      headers: {
        'Content-Type': 'text/javascript',
        'Content-Length': String(BYTES.length),
        ETag: ETAG,
        'Cache-Control': 'public, max-age=31536000, immutable',
        'X-Content-Type-Options': 'nosniff',
      },
      body: BYTES,
    });
  });

  it('200 for HTML adds the CSP', () => {
    expect(asset('text/html').headers['Content-Security-Policy']).toBe('CSP');
  });

  it('HEAD keeps the headers (Content-Length of the file) and drops the body', () => {
    const head = asset('text/html', false, true);
    expect(head.body).toBeNull();
    expect(head.headers).toEqual(asset('text/html').headers);
  });

  it('304 has ETag, Cache-Control and, for HTML only, the CSP', () => {
    expect(asset('text/html', true)).toEqual({
      status: 304,
      headers: { ETag: ETAG, 'Cache-Control': 'public, max-age=31536000, immutable', 'Content-Security-Policy': 'CSP' },
      body: null,
    });
    expect(asset('text/css', true)).toEqual({
      status: 304,
      headers: { ETag: ETAG, 'Cache-Control': 'public, max-age=31536000, immutable' },
      body: null,
    });
  });
});
