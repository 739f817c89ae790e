import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { computeContentHash } from '../bundles/hash.ts';
import { packExtension } from '../bundles/pack.ts';
import { generateSigningKey, signContentHash, TrustStore } from '../signing/index.ts';
import { runDoctor } from './doctor.ts';
import { DOCTOR_FIXES } from './problems.ts';
import { codesOf, CORE_MODULE, manifestEntry, tempDir, text, writeBundle, writeTree } from './test-support.ts';

const KNOWN_CAPS = 'cap:context.read, cap:secrets.get, cap:http.fetch, cap:storage.kv, cap:log.emit, cap:ui.proxy, cap:user.read, cap:scheduler.manage, cap:invoice.manual.create, cap:client.read, cap:service.read';
const UI_TYPES = 'html, js, css, json, map, svg, png, jpg, jpeg, webp, woff, woff2';

const uiOnly = { name: 'panel', publisher: 'acme', version: '1.0.0', runtime: 'wasm-js@1', ui: { type: 'iframe', entry: 'ui/index.html' } };

/** A UI-only extension folder that passes every check. */
async function uiOnlyFolder(): Promise<string> {
  const dir = await tempDir();
  await writeTree(dir, {
    'manifest.json': JSON.stringify(uiOnly),
    'ui/index.html': '<!doctype html><script src="app.js"></script>',
    'ui/app.js': 'console.log(1)',
    'ui/assets/logo.svg': '<svg/>',
    'ui/LICENSE': 'MIT',
  });
  return dir;
}

describe('runDoctor: a deliberately broken bundle', () => {
  it('should report every problem of the bundle in one run', async () => {
    const manifest = {
      name: 'broken',
      version: '1.0.0',
      runtime: 'wasm-js@1',
      description: 'not allowed',
      capabilities: ['cap:log.emit', 'cap:teleport'],
      ui: { type: 'iframe', entry: 'ui/index.html' },
      api: { endpoints: [{ method: 'GET', path: '/bad path', handler: 'dist/main.wasm' }] },
    };
    const { file, contentHash } = await writeBundle([
      manifestEntry(manifest),
      { path: 'ui/favicon.ico', data: text('ico') },
      { path: 'ui/app.mjs', data: text('export {}') },
      { path: 'ui/.env', data: text('SECRET=1') },
      { path: '../escape.txt', data: text('x') },
      { path: 'ui/link.js', type: 'symlink', linkTarget: '/etc/passwd' },
    ]);
    const signer = generateSigningKey();
    // Signed over other bytes: the signature no longer matches this archive (tampered).
    await writeFile(`${file}.SIGNATURE`, signContentHash(computeContentHash(text('original')), signer.privateKeyPem));

    const report = await runDoctor(file, { trust: TrustStore.fromPems([signer.publicKeyPem]) });

    expect(report.ok).toBe(false);
    expect(report.contentHash).toBe(contentHash);
    expect(report.checked).toEqual(['archive', 'entries', 'manifest', 'wasm', 'ui', 'signature']);
    expect(codesOf(report.problems)).toEqual([
      ['HIDDEN_ENTRY', 'ui/.env'],
      ['UNSAFE_ENTRY', '../escape.txt'],
      ['LINK_ENTRY', 'ui/link.js'],
      ['INVALID_MANIFEST', '$.description'],
      ['INVALID_MANIFEST', '$.capabilities[1]'],
      ['INVALID_MANIFEST', '$.api.endpoints[0].path'],
      ['WASM_MISSING', 'dist/main.wasm'],
      ['UI_ENTRY_MISSING', 'ui/index.html'],
      ['UI_ASSET_TYPE', 'ui/favicon.ico'],
      ['UI_ASSET_TYPE', 'ui/app.mjs'],
      ['SIGNATURE_INVALID', `${file}.SIGNATURE`],
    ]);
    expect(report.problems.map((p) => p.message).slice(0, 10)).toEqual([
      '"ui/.env" has a hidden (dot-prefixed) segment; it is never extracted or served',
      '"../escape.txt" contains ".."; publish and the Runner refuse the bundle for it',
      '"ui/link.js" is a link to "/etc/passwd"; publish and the Runner refuse a bundle holding links',
      "Unknown top-level field 'description'",
      `Unknown capability 'cap:teleport'; known capabilities: ${KNOWN_CAPS}`,
      'must not contain whitespace, got "/bad path"',
      'manifest.json declares 1 endpoint but the bundle has no dist/main.wasm to handle them',
      'manifest.json has a ui section but the bundle has no ui/index.html, which /ext-ui serves as the page',
      `ui/favicon.ico has a type /ext-ui does not serve; allowed extensions: ${UI_TYPES} (or no extension)`,
      `ui/app.mjs has a type /ext-ui does not serve; allowed extensions: ${UI_TYPES} (or no extension)`,
    ]);
    expect(report.problems[10]?.message).toBe(
      `Cannot accept bundle signature: the signature by key ${signer.keyId} does not match bundle ${contentHash}: the archive bytes changed after signing (modified or swapped on disk) or the signature is corrupt. Restore the signed archive, or re-sign it with \`alga-emulator sign\`.`,
    );
    expect(report.problems.every((p) => p.fix === DOCTOR_FIXES[p.code as keyof typeof DOCTOR_FIXES])).toBe(true);
    expect(report.warnings).toEqual([]);
  });

  it('should report absolute paths, backslashes and empty segments as unsafe entries', async () => {
    const { file } = await writeBundle([
      manifestEntry(uiOnly),
      { path: 'ui/index.html', data: text('<p>') },
      { path: '/abs.txt', data: text('x') },
      { path: 'ui\\win.js', data: text('x') },
      { path: 'ui//double.js', data: text('x') },
    ]);
    const report = await runDoctor(file, { mode: 'off' });
    expect(report.problems.map((p) => [p.code, p.message])).toEqual([
      ['UNSAFE_ENTRY', '"/abs.txt" is an absolute path; publish and the Runner refuse the bundle for it'],
      ['UNSAFE_ENTRY', '"ui\\\\win.js" contains a backslash; publish and the Runner refuse the bundle for it'],
      ['UNSAFE_ENTRY', '"ui//double.js" has an empty segment ("//"); publish and the Runner refuse the bundle for it'],
    ]);
  });
});

describe('runDoctor: what publish refuses beyond single entries', () => {
  it('should report duplicate paths and a file where a folder is needed, as finalize would refuse them', async () => {
    const { file } = await writeBundle([
      manifestEntry(uiOnly),
      { path: 'ui/index.html', data: text('<p>') },
      manifestEntry(uiOnly),
      { path: 'ui', data: text('x') },
    ]);
    const report = await runDoctor(file, { mode: 'off' });
    expect(report.problems.map((p) => [p.code, p.where, p.message])).toEqual([
      ['BUNDLE_DUPLICATE_ENTRY', 'manifest.json', 'bundle holds "manifest.json" more than once; one copy would be validated and another run. Fix: repack so that each path appears once.'],
      ['BUNDLE_PATH_CLASH', 'ui', 'bundle entry "ui" is a file, but "ui/" needs it to be a folder (the Runner extracts the UI into the folder ui/). Fix: rename one of them.'],
    ]);
  });

  it('should report an archive over a limit as ARCHIVE_LIMIT with the limit\'s message', async () => {
    const { file } = await writeBundle([manifestEntry(uiOnly), { path: `ui/${'n'.repeat(300)}`, data: text('x') }]);
    const report = await runDoctor(file, { mode: 'off' });
    expect(report.problems.map((p) => [p.code, p.where])).toEqual([['ARCHIVE_LIMIT', 'bundle.tar.zst']]);
    expect(report.problems[0]?.message).toMatch(/has a 300-byte name; the limit is 255 bytes per file or folder name \(EXT_BUNDLE_MAX_NAME_BYTES/);
  });
});

describe('runDoctor: passing extensions', () => {
  it('should pass a valid UI-only extension folder, warning only that it is unsigned', async () => {
    const dir = await uiOnlyFolder();
    const report = await runDoctor(dir);
    expect(report.ok).toBe(true);
    expect(report.source).toBe(dir);
    expect(report.contentHash).toBe((await packExtension(dir)).contentHash);
    expect(report.problems).toEqual([]);
    expect(codesOf(report.warnings)).toEqual([['SIGNATURE_MISSING', 'signature']]);
    expect(report.checked).toEqual(['archive', 'entries', 'manifest', 'wasm', 'ui', 'signature']);
  });

  it('should pass a folder with a trusted signature over its deterministic pack without warnings', async () => {
    const dir = await uiOnlyFolder();
    const signer = generateSigningKey('ecdsa-p256');
    const signatureText = signContentHash((await packExtension(dir)).contentHash, signer.privateKeyPem);
    const report = await runDoctor(dir, { signatureText, trust: TrustStore.fromPems([signer.publicKeyPem]), mode: 'strict' });
    expect(report).toMatchObject({ ok: true, problems: [], warnings: [] });
  });

  it('should call onProgress before each step, in order', async () => {
    const steps: string[] = [];
    await runDoctor(await uiOnlyFolder(), { onProgress: (s) => steps.push(s) });
    expect(steps).toEqual([
      'reading the bundle',
      'reading the archive',
      'checking entry paths',
      'validating manifest.json',
      'checking dist/main.wasm',
      'checking ui files',
      'verifying the signature',
    ]);
  });
});

describe('runDoctor: signatures', () => {
  async function uiBundle(): Promise<{ file: string; contentHash: string }> {
    return writeBundle([manifestEntry(uiOnly), { path: 'ui/index.html', data: text('<p>') }]);
  }

  it('should make a missing signature a problem in strict mode', async () => {
    const { file } = await uiBundle();
    const report = await runDoctor(file, { mode: 'strict' });
    expect(codesOf(report.problems)).toEqual([['SIGNATURE_MISSING', 'signature']]);
    expect(report.ok).toBe(false);
  });

  it('should refuse a signature by a key that is not trusted', async () => {
    const { file, contentHash } = await uiBundle();
    const signatureText = signContentHash(contentHash, generateSigningKey().privateKeyPem);
    const report = await runDoctor(file, { signatureText });
    expect(codesOf(report.problems)).toEqual([['SIGNATURE_UNTRUSTED', 'signature']]);
  });

  it('should warn about the official CLI placeholder in dev mode', async () => {
    const { file } = await uiBundle();
    await writeFile(`${file}.SIGNATURE`, '# SIGNATURE PLACEHOLDER\nalgorithm: cosign\n');
    const report = await runDoctor(file);
    expect(report.ok).toBe(true);
    expect(codesOf(report.warnings)).toEqual([['SIGNATURE_UNVERIFIABLE', `${file}.SIGNATURE`]]);
  });

  it('should prefer signatureText over the .SIGNATURE file', async () => {
    const { file, contentHash } = await uiBundle();
    await writeFile(`${file}.SIGNATURE`, 'garbage');
    const signer = generateSigningKey();
    const report = await runDoctor(file, { signatureText: signContentHash(contentHash, signer.privateKeyPem), trust: TrustStore.fromPems([signer.publicKeyPem]) });
    expect(report).toMatchObject({ ok: true, problems: [], warnings: [] });
  });

  it('should skip signatures entirely in off mode', async () => {
    const { file } = await uiBundle();
    await writeFile(`${file}.SIGNATURE`, 'garbage');
    expect(await runDoctor(file, { mode: 'off' })).toMatchObject({ ok: true, problems: [], warnings: [] });
  });
});

describe('runDoctor: unreadable input', () => {
  it('should report a missing target', async () => {
    const missing = join(await tempDir(), 'nope.tar.zst');
    const report = await runDoctor(missing);
    expect(report).toEqual({
      ok: false,
      source: missing,
      problems: [{ code: 'TARGET_NOT_FOUND', where: missing, message: `${missing} is not an extension folder or a bundle file`, fix: DOCTOR_FIXES.TARGET_NOT_FOUND }],
      warnings: [],
      checked: [],
    });
  });

  it('should report a folder without manifest.json', async () => {
    const dir = await tempDir();
    await writeTree(dir, { 'ui/index.html': '<p>' });
    const report = await runDoctor(dir);
    expect(codesOf(report.problems)).toEqual([['MANIFEST_NOT_FOUND', dir]]);
  });

  it('should report a file that is not zstd and still check its signature', async () => {
    const file = join(await tempDir(), 'bundle.tar.zst');
    await writeFile(file, 'plain text');
    const report = await runDoctor(file);
    expect(codesOf(report.problems)).toEqual([['BUNDLE_NOT_ZSTD', 'bundle.tar.zst']]);
    expect(codesOf(report.warnings)).toEqual([['SIGNATURE_MISSING', 'signature']]);
    expect(report.checked).toEqual(['signature']);
  });

  it('should report an archive without any manifest.json', async () => {
    const { file } = await writeBundle([{ path: 'ui/index.html', data: text('<p>') }]);
    const report = await runDoctor(file, { mode: 'off' });
    expect(report.problems.map((p) => [p.code, p.where, p.message])).toEqual([
      ['MANIFEST_NOT_FOUND', 'manifest.json', 'the bundle has no manifest.json at its root or one folder deep'],
    ]);
    expect(codesOf(report.warnings)).toEqual([['UI_NOT_DECLARED', 'ui/']]);
  });
});

describe('runDoctor: manifest and files', () => {
  it('should accept a manifest one folder deep with a warning, and check files at the root', async () => {
    const { file } = await writeBundle([manifestEntry(uiOnly, 'pkg/manifest.json'), { path: 'pkg/ui/index.html', data: text('<p>') }]);
    const report = await runDoctor(file, { mode: 'off' });
    expect(codesOf(report.problems)).toEqual([['UI_ENTRY_MISSING', 'ui/index.html']]);
    expect(codesOf(report.warnings)).toEqual([['MANIFEST_NESTED', 'pkg/manifest.json']]);
  });

  it('should report invalid JSON in manifest.json at $', async () => {
    const { file } = await writeBundle([{ path: 'manifest.json', data: text('{"name":') }]);
    const report = await runDoctor(file, { mode: 'off' });
    expect(codesOf(report.problems)).toEqual([['INVALID_MANIFEST', '$']]);
  });

  it('should report a manifest over the size limit as MANIFEST_TOO_LARGE, as publish answers it', async () => {
    const manifest = `${JSON.stringify(uiOnly)}${' '.repeat(600 * 1024)}`;
    const { file } = await writeBundle([{ path: 'manifest.json', data: text(manifest) }, { path: 'ui/index.html', data: text('<p>') }]);
    const report = await runDoctor(file, { mode: 'off' });
    expect(report.problems.map((p) => [p.code, p.where, p.message, p.fix])).toEqual([
      ['MANIFEST_TOO_LARGE', 'manifest.json', `manifest.json has ${Buffer.byteLength(manifest)} bytes; the limit is 524288 bytes`, DOCTOR_FIXES.MANIFEST_TOO_LARGE],
    ]);
  });

  it('should report a field over its length limit with the issue publish gives', async () => {
    const manifest = { ...uiOnly, ui: { ...uiOnly.ui, hooks: { appMenu: { label: 'x'.repeat(129) } } } };
    const { file } = await writeBundle([manifestEntry(manifest), { path: 'ui/index.html', data: text('<p>') }]);
    const report = await runDoctor(file, { mode: 'off' });
    expect(report.problems.map((p) => [p.code, p.where, p.message])).toEqual([['INVALID_MANIFEST', '$.ui.hooks.appMenu.label', 'has 129 characters; the limit is 128']]);
  });

  it('should pass manifest warnings on as warnings', async () => {
    const manifest = { ...uiOnly, ui: { ...uiOnly.ui, hooks: { ticketTab: { label: 'x' } } } };
    const { file } = await writeBundle([manifestEntry(manifest), { path: 'ui/index.html', data: text('<p>') }]);
    const report = await runDoctor(file, { mode: 'off' });
    expect(report.ok).toBe(true);
    expect(report.warnings.map((w) => [w.code, w.where, w.message])).toEqual([
      ['MANIFEST_WARNING', '$.ui.hooks.ticketTab', "Unknown hook 'ticketTab' is ignored; the platform reads only appMenu, clientPortalMenu"],
    ]);
  });

  it('should report a ui entry other than index.html that is not in the bundle, relative to ui/', async () => {
    const manifest = { ...uiOnly, ui: { type: 'iframe', entry: 'main.html' } };
    const { file } = await writeBundle([manifestEntry(manifest), { path: 'ui/index.html', data: text('<p>') }]);
    const report = await runDoctor(file, { mode: 'off' });
    expect(report.problems.map((p) => [p.code, p.where, p.message])).toEqual([
      ['UI_ENTRY_MISSING', 'ui/main.html', 'manifest.ui.entry "main.html" points to ui/main.html, which is not in the bundle'],
    ]);
  });

  it('should refuse a core wasm module and warn that nothing routes to it', async () => {
    const { file } = await writeBundle([manifestEntry(uiOnly), { path: 'ui/index.html', data: text('<p>') }, { path: 'dist/main.wasm', data: CORE_MODULE }]);
    const report = await runDoctor(file, { mode: 'off' });
    expect(report.problems.map((p) => [p.code, p.where, p.message])).toEqual([
      [
        'COMPONENT_INVALID',
        'dist/main.wasm',
        'dist/main.wasm is a core WebAssembly module, not a component of world alga:extension/runner; build it with componentize-js or `wasm-tools component new`',
      ],
    ]);
    expect(codesOf(report.warnings)).toEqual([['WASM_UNUSED', 'dist/main.wasm']]);
    expect(report.checked).toEqual(['archive', 'entries', 'manifest', 'wasm', 'component', 'ui', 'signature']);
  });

  it('should refuse dist/main.wasm that is not WebAssembly at all', async () => {
    const manifest = { ...uiOnly, api: { endpoints: [{ method: 'GET', path: '/x', handler: 'dist/main.wasm' }] } };
    const { file } = await writeBundle([manifestEntry(manifest), { path: 'ui/index.html', data: text('<p>') }, { path: 'dist/main.wasm', data: text('MZ') }]);
    const report = await runDoctor(file, { mode: 'off' });
    expect(report.problems.map((p) => [p.code, p.message])).toEqual([
      ['COMPONENT_INVALID', 'dist/main.wasm is not a WebAssembly binary (precompiled artifacts are not accepted; ship the component)'],
    ]);
  });
});
