import { describe, expect, it } from 'vitest';
import { UI_PATH_MAX_BYTES, UI_PATH_MAX_SEGMENT_BYTES, parseUiContentHash, parseUiUrl, sanitizeUiPath, uiContentType } from './ui-path.ts';

const HEX = 'ab'.repeat(32);
const HASH = `sha256:${HEX}`;

describe('parseUiUrl', () => {
  it('splits extension, hash and the raw tail, and reads the first ?tenant=', () => {
    expect(parseUiUrl(`/ext-ui/ext-1/${HASH}/nested/x.json?tenant=t1&tenant=t2&path=/a`)).toEqual({
      extensionId: 'ext-1',
      contentHash: HASH,
      path: 'nested/x.json',
      tenant: 't1',
    });
  });

  it('keeps the tail percent-encoded and decodes the extension and hash segments', () => {
    expect(parseUiUrl(`/ext-ui/ext%2D1/sha256%3A${HEX}/%2e%2e/x.js`)).toEqual({
      extensionId: 'ext-1',
      contentHash: HASH,
      path: '%2e%2e/x.js',
      tenant: undefined,
    });
  });

  it('never picks a file from ?path=, ?extensionId= or ?parentOrigin=', () => {
    expect(parseUiUrl(`/ext-ui/e/${HASH}/index.html?path=/app.js&extensionId=other&parentOrigin=https://x`)?.path).toBe('index.html');
  });

  it.each(['/ext-ui/x/h', '/ext-ui/x/h/', '/ext-ui/x/h/?tenant=t', '/ext-ui/x', '/ext-ui/', '/EXT-UI/x/h/a.js', '/other/x/h/a.js', '/ext-ui//h/a.js'])(
    'does not match %j (404)',
    (url) => {
      expect(parseUiUrl(url)).toBeNull();
    },
  );

  it('matches a tail of a single slash (then refused as absolute in step 6)', () => {
    expect(parseUiUrl('/ext-ui/x/h//')?.path).toBe('/');
  });

  it('does not match when the extension segment has malformed percent-encoding', () => {
    expect(parseUiUrl('/ext-ui/%zz/h/a.js')).toBeNull();
  });
});

describe('parseUiContentHash', () => {
  it('accepts sha256: + 64 hex in any case of the hex and returns it lowercased', () => {
    expect(parseUiContentHash(`sha256:${HEX.toUpperCase()}`)).toBe(HASH);
  });

  it.each([
    ['bare hex', HEX],
    ['63 hex', `sha256:${HEX.slice(1)}`],
    ['65 hex', `sha256:${HEX}a`],
    ['non-hex', `sha256:${'g'.repeat(64)}`],
    ['upper-case prefix', `SHA256:${HEX}`],
    ['other algorithm', `sha512:${HEX}`],
    ['empty', ''],
  ])('refuses %s', (_name, value) => {
    expect(parseUiContentHash(value)).toBeNull();
  });
});

describe('sanitizeUiPath', () => {
  it.each([
    ['index.html', ['index.html']],
    ['nested/x.json', ['nested', 'x.json']],
    ['nested//x.json', ['nested', 'x.json']],
    ['a///b//c.css', ['a', 'b', 'c.css']],
    ['nested/', ['nested']],
    ['nested', ['nested']],
    ['deep/route/without-dot', ['deep', 'route', 'without-dot']],
    ['v1.2/app.js', ['v1.2', 'app.js']],
    ['App.JS', ['App.JS']],
    ['my%20file.css', ['my file.css']],
    ['%61pp.js', ['app.js']],
  ])('accepts %j as %j', (raw, segments) => {
    expect(sanitizeUiPath(raw)).toEqual(segments);
  });

  it.each([
    ['parent segment', '../x.js'],
    ['inner parent segment', 'a/../x.js'],
    ['trailing parent segment', 'a/..'],
    ['encoded parent', '%2e%2e/x.js'],
    ['encoded parent, upper case', '%2E%2E/secret.json'],
    ['encoded slash climbing', 'a%2F..%2F..%2Fx.js'],
    ['current segment', './x.js'],
    ['inner current segment', 'a/./x.js'],
    ['hidden file', '.env'],
    ['hidden folder', '.git/config.json'],
    ['hidden last segment', 'a/.hidden'],
    ['absolute', '/etc/passwd'],
    ['encoded absolute', '%2Fetc%2Fpasswd'],
    ['single slash', '/'],
    ['encoded NUL', 'a%00.js'],
    ['raw NUL', 'a\u0000.js'],
    ['encoded backslash', '..%5Cx.js'],
    ['backslash', 'a\\b.js'],
    ['encoded newline', 'a%0a.js'],
    ['encoded tab', 'a%09b.js'],
    ['encoded DEL', 'a%7f.js'],
    ['encoded C1 control', 'a%C2%85.js'],
    ['malformed encoding', 'a%zz.js'],
    ['truncated encoding', 'a%2.js'],
  ])('refuses %s (%j)', (_name, raw) => {
    expect(sanitizeUiPath(raw)).toBeNull();
  });

  it.each(['html', 'js', 'css', 'json', 'map', 'svg', 'png', 'jpg', 'jpeg', 'webp', 'woff', 'woff2'])('allows .%s', (ext) => {
    expect(sanitizeUiPath(`assets/file.${ext}`)).toEqual(['assets', `file.${ext}`]);
    expect(sanitizeUiPath(`assets/FILE.${ext.toUpperCase()}`)).toEqual(['assets', `FILE.${ext.toUpperCase()}`]);
  });

  it.each(['x.mjs', 'x.wasm', 'x.ico', 'x.gif', 'x.txt', 'x.htm', 'x.js.', 'x.', 'archive.tar.zst', 'x.html%00', 'x.js%20'])(
    'refuses the extension of %j',
    (name) => {
      expect(sanitizeUiPath(`assets/${name}`)).toBeNull();
    },
  );
});

describe('sanitizeUiPath length limits (the emulator\'s own rule)', () => {
  it('allows a segment of 255 bytes and a tail of 1024 bytes', () => {
    expect(sanitizeUiPath('a'.repeat(UI_PATH_MAX_SEGMENT_BYTES))).toEqual(['a'.repeat(255)]);
    const tail = ['b'.repeat(128), ...Array.from({ length: 7 }, () => 'b'.repeat(127))].join('/');
    expect(Buffer.byteLength(tail)).toBe(UI_PATH_MAX_BYTES);
    expect(sanitizeUiPath(tail)?.length).toBe(8);
  });

  it('refuses a segment over 255 bytes, counted after decoding and in UTF-8', () => {
    expect(sanitizeUiPath('a'.repeat(256))).toBeNull();
    expect(sanitizeUiPath(`x/${'a'.repeat(300)}.js`)).toBeNull();
    expect(sanitizeUiPath('%C3%A9'.repeat(128))).toBeNull();
    expect(sanitizeUiPath('%C3%A9'.repeat(127))).toEqual(['é'.repeat(127)]);
  });

  it('refuses a tail over 1024 bytes even when every segment is short', () => {
    expect(sanitizeUiPath(`${'b'.repeat(129)}/${Array.from({ length: 7 }, () => 'b'.repeat(127)).join('/')}`)).toBeNull();
    expect(sanitizeUiPath(Array.from({ length: 206 }, () => 'abcd').join('/'))).toBeNull();
  });
});

describe('uiContentType', () => {
  it.each([
    ['index.html', 'text/html'],
    ['app.js', 'text/javascript'],
    ['APP.JS', 'text/javascript'],
    ['style.css', 'text/css'],
    ['x.json', 'application/json'],
    ['app.js.map', 'text/plain'],
    ['logo.svg', 'image/svg+xml'],
    ['a.png', 'image/png'],
    ['a.jpg', 'image/jpeg'],
    ['a.jpeg', 'image/jpeg'],
    ['a.webp', 'image/webp'],
    ['f.woff', 'font/woff'],
    ['f.woff2', 'font/woff2'],
    ['LICENSE', 'application/octet-stream'],
  ])('types %j as %j (essence only)', (name, type) => {
    expect(uiContentType(name)).toBe(type);
  });
});
