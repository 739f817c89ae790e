import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_ARCHIVE_LIMITS } from '../bundles/limits.ts';
import { packEntries } from '../bundles/pack.ts';
import { generateSigningKey, signContentHash } from '../signing/index.ts';
import { Registry } from './registry.ts';
import { TENANT, bundleOf, manifest, openTestRegistry, type TestRegistry } from './test-support.ts';

const PLACEHOLDER = '# SIGNATURE PLACEHOLDER\nbundle: bundle.tar.zst\nalgorithm: cosign\ncreated_at: 2026-01-01T00:00:00.000Z\n\nTODO: Replace with real signing output\n';

let t: TestRegistry;
afterEach(() => t?.close());

function count(table: string): number {
  const db = new Database(path.join(t.dataDir, 'registry.sqlite'), { readonly: true });
  try {
    return (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
  } finally {
    db.close();
  }
}

describe('publish: finalize always reads the archive the Runner will run', () => {
  it('should accept a manifestJson that parses to the archive\'s manifest, whatever its formatting', async () => {
    t = await openTestRegistry();
    const b = await bundleOf();
    const pretty = JSON.stringify(JSON.parse(b.manifestJson), null, 2);
    expect((await t.registry.publishBytes(b.bytes, { manifestJson: pretty })).version.version).toBe('1.0.0');
  });

  it('should refuse a manifestJson differing from the archive\'s manifest.json with MANIFEST_MISMATCH and register nothing', async () => {
    t = await openTestRegistry();
    const b = await bundleOf();
    const sent = JSON.stringify(manifest({ version: '9.9.9' }));
    await expect(t.registry.publishBytes(b.bytes, { manifestJson: sent })).rejects.toMatchObject({
      code: 'MANIFEST_MISMATCH',
      status: 400,
      message: 'manifestJson differs from the archive\'s manifest.json at version (sent "9.9.9", archive has "1.0.0"); the Runner runs what the archive holds. Fix: send the manifest.json that was packed into the bundle, or omit manifestJson.',
    });
    expect(count('extension_registry')).toBe(0);
  });

  it('should name a missing key as the difference', async () => {
    t = await openTestRegistry();
    const b = await bundleOf();
    const sent = { ...manifest() } as Record<string, unknown>;
    delete sent.api;
    await expect(t.registry.publishBytes(b.bytes, { manifestJson: JSON.stringify(sent) })).rejects.toMatchObject({
      code: 'MANIFEST_MISMATCH',
      message: expect.stringMatching(/^manifestJson differs from the archive's manifest\.json at api \(sent nothing, archive has \{"endpoints":/),
    });
  });

  it('should open the archive even when manifestJson is sent: random bytes answer BUNDLE_NOT_ZSTD', async () => {
    t = await openTestRegistry();
    const junk = new TextEncoder().encode('not an archive at all, just text');
    await expect(t.registry.publishBytes(junk, { manifestJson: JSON.stringify(manifest()) })).rejects.toMatchObject({ code: 'BUNDLE_NOT_ZSTD', status: 400 });
  });

  it('should refuse an archive without manifest.json even when manifestJson is sent (MANIFEST_NOT_FOUND)', async () => {
    t = await openTestRegistry();
    const none = await packEntries([{ path: 'ui/index.html', data: new Uint8Array([60]) }]);
    await expect(t.registry.publishBytes(none.bytes, { manifestJson: JSON.stringify(manifest()) })).rejects.toMatchObject({
      code: 'MANIFEST_NOT_FOUND',
      status: 400,
      message: 'the archive has no manifest.json at its root or one folder deep; it is where the registry reads the manifest from. Fix: put manifest.json at the bundle root and pack again.',
    });
  });

  it('should refuse two manifest.json entries with BUNDLE_DUPLICATE_ENTRY, with or without manifestJson', async () => {
    t = await openTestRegistry();
    const first = JSON.stringify(manifest());
    const two = await packEntries([
      { path: 'manifest.json', data: new TextEncoder().encode(first) },
      { path: 'manifest.json', data: new TextEncoder().encode(JSON.stringify(manifest({ capabilities: ['cap:secrets.get'] }))) },
    ]);
    await expect(t.registry.publishBytes(two.bytes)).rejects.toMatchObject({ code: 'BUNDLE_DUPLICATE_ENTRY', status: 400 });
    await expect(t.registry.publishBytes(two.bytes, { manifestJson: first })).rejects.toMatchObject({ code: 'BUNDLE_DUPLICATE_ENTRY', status: 400 });
  });

  it('should validate under the registry\'s archive limits', async () => {
    const dataDir = (t = await openTestRegistry()).dataDir;
    t.close();
    const registry = await Registry.open({ dataDir, file: ':memory:', store: t.store, signing: t.registry.signing, archiveLimits: { ...DEFAULT_ARCHIVE_LIMITS, maxEntries: 2 } });
    try {
      await expect(registry.publishBytes((await bundleOf()).bytes)).rejects.toMatchObject({ code: 'BUNDLE_TOO_MANY_ENTRIES', status: 400 });
    } finally {
      registry.close();
    }
  });
});

describe('publish: stage + finalize', () => {
  it('should register extension, version, bundle and endpoints and move the archive to its canonical key', async () => {
    t = await openTestRegistry();
    const b = await bundleOf();
    const staged = await t.registry.stageUpload({ bytes: b.bytes, size: String(b.bytes.length), declaredHash: b.hex });
    expect(staged.upload.key).toMatch(/^sha256\/_staging\/[0-9a-f-]{36}\/bundle\.tar\.zst$/);
    expect(staged).toMatchObject({ filename: 'bundle.tar.zst', size: b.bytes.length, declaredHash: b.hex });
    const result = await t.registry.finalize({ key: staged.upload.key, declaredHash: b.hex, size: b.bytes.length, manifestJson: b.manifestJson });
    expect(result).toMatchObject({ extension: { name: 'widget', publisher: 'acme' }, version: { version: '1.0.0' }, contentHash: b.hex, canonicalKey: `sha256/${b.hex}/bundle.tar.zst` });
    expect(await t.store.get(`sha256/${b.hex}/bundle.tar.zst`)).toEqual(b.bytes);
    expect(await t.store.has(staged.upload.key)).toBe(false);
    expect(await t.store.stat(staged.upload.key)).toBeNull();
    expect([count('extension_registry'), count('extension_version'), count('extension_bundle'), count('extension_api_endpoint')]).toEqual([1, 1, 1, 2]);
  });

  it('should read the manifest from the archive (root or one folder deep) when manifestJson is absent', async () => {
    t = await openTestRegistry();
    const nested = await packEntries([{ path: 'pkg/manifest.json', data: new TextEncoder().encode(JSON.stringify(manifest({ name: 'nested' }))) }]);
    const result = await t.registry.publishBytes(nested.bytes);
    expect(result.extension.name).toBe('nested');
  });

  it('should answer MANIFEST_NOT_FOUND when neither manifestJson nor the archive has one', async () => {
    t = await openTestRegistry();
    const none = await packEntries([{ path: 'ui/index.html', data: new Uint8Array([60]) }]);
    await expect(t.registry.publishBytes(none.bytes)).rejects.toMatchObject({ code: 'MANIFEST_NOT_FOUND', status: 400 });
  });

  it('should answer HASH_MISMATCH when the staged bytes do not hash to declaredHash', async () => {
    t = await openTestRegistry();
    const b = await bundleOf();
    const staged = await t.registry.stageUpload({ bytes: b.bytes, size: b.bytes.length, declaredHash: b.hex });
    const wrong = 'f'.repeat(64);
    await expect(t.registry.finalize({ key: staged.upload.key, declaredHash: wrong })).rejects.toMatchObject({
      code: 'HASH_MISMATCH',
      status: 400,
      message: `the staged bundle hashes to ${b.hex}, not the declared ${wrong}: the upload was altered or the hash was computed over other bytes.`,
    });
  });

  it('should list every manifest issue in INVALID_MANIFEST and register nothing', async () => {
    t = await openTestRegistry();
    const b = await bundleOf(manifest({ description: 'x', capabilities: ['cap:nope'] }));
    await expect(t.registry.publishBytes(b.bytes)).rejects.toMatchObject({
      code: 'INVALID_MANIFEST',
      issues: [expect.objectContaining({ path: '$.description' }), expect.objectContaining({ path: '$.capabilities[0]' })],
    });
    expect(count('extension_registry')).toBe(0);
  });

  it('should refuse a second publish of the same version with EXTENSION_VERSION_ALREADY_EXISTS (409)', async () => {
    t = await openTestRegistry();
    await t.registry.publishBytes((await bundleOf()).bytes);
    const again = await bundleOf(manifest(), [{ path: 'ui/other.js', data: new Uint8Array([1]) }]);
    await expect(t.registry.publishBytes(again.bytes)).rejects.toMatchObject({ code: 'EXTENSION_VERSION_ALREADY_EXISTS', status: 409 });
    expect(count('extension_version')).toBe(1);
    expect(await t.store.has(`sha256/${again.hex}/bundle.tar.zst`)).toBe(false);
  });

  it('should let exactly one of two concurrent finalizes of the same version register it; the other gets EXTENSION_VERSION_ALREADY_EXISTS (409)', async () => {
    t = await openTestRegistry();
    const a = await bundleOf();
    const b = await bundleOf(manifest(), [{ path: 'ui/other.js', data: new Uint8Array([1]) }]);
    const [stagedA, stagedB] = await Promise.all([a, b].map((x) => t.registry.stageUpload({ bytes: x.bytes, size: x.bytes.length, declaredHash: x.hex })));
    const outcomes = await Promise.allSettled([
      t.registry.finalize({ key: stagedA?.upload.key, declaredHash: a.hex, manifestJson: a.manifestJson }),
      t.registry.finalize({ key: stagedB?.upload.key, declaredHash: b.hex, manifestJson: b.manifestJson }),
    ]);
    const won = outcomes.findIndex((o) => o.status === 'fulfilled');
    const lost = outcomes.find((o) => o.status === 'rejected');
    expect(outcomes.map((o) => o.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect(lost?.reason).toMatchObject({
      code: 'EXTENSION_VERSION_ALREADY_EXISTS',
      status: 409,
      message: 'acme.widget 1.0.0 is already published and versions are immutable. Bump "version" in manifest.json (or use "X.Y.*" to take the next patch).',
    });
    expect([count('extension_registry'), count('extension_version'), count('extension_bundle'), count('publish_journal')]).toEqual([1, 1, 1, 0]);
    const [winner, loser] = won === 0 ? [a, b] : [b, a];
    expect(await t.store.has(`sha256/${winner.hex}/bundle.tar.zst`)).toBe(true);
    expect(await t.store.has(`sha256/${loser.hex}/bundle.tar.zst`)).toBe(false);
  });

  it('should give two concurrent X.Y.* publishes consecutive patches', async () => {
    t = await openTestRegistry();
    const a = await bundleOf(manifest({ version: '2.3.*' }));
    const b = await bundleOf(manifest({ version: '2.3.*' }), [{ path: 'ui/a.js', data: new Uint8Array([2]) }]);
    const results = await Promise.all([t.registry.publishBytes(a.bytes), t.registry.publishBytes(b.bytes)]);
    expect(results.map((r) => r.version.version).sort()).toEqual(['2.3.0', '2.3.1']);
    expect(results[0]?.extension.id).toBe(results[1]?.extension.id);
  });

  it('dev loop: two concurrent publishes of a new version with newBundleForExistingVersion add one version with two bundles', async () => {
    t = await openTestRegistry();
    const a = await bundleOf();
    const b = await bundleOf(manifest(), [{ path: 'ui/changed.js', data: new Uint8Array([7]) }]);
    const results = await Promise.all([a, b].map((x) => t.registry.publishBytes(x.bytes, { newBundleForExistingVersion: true })));
    expect(results[0]?.version.id).toBe(results[1]?.version.id);
    expect([count('extension_registry'), count('extension_version'), count('extension_bundle')]).toEqual([1, 1, 2]);
  });

  it('dev loop: newBundleForExistingVersion makes new bytes the active bundle of the same version, and a revert makes the old one active again', async () => {
    t = await openTestRegistry();
    const a = await bundleOf();
    const b = await bundleOf(manifest(), [{ path: 'ui/changed.js', data: new Uint8Array([7]) }]);
    const first = await t.registry.publishBytes(a.bytes);
    const { installId } = await t.registry.install(TENANT, first.extension.id, '1.0.0');
    const second = await t.registry.publishBytes(b.bytes, { newBundleForExistingVersion: true });
    expect(second.version.id).toBe(first.version.id);
    expect(t.registry.installOf(TENANT, first.extension.id)?.contentHash).toBe(b.contentHash);
    await t.registry.publishBytes(a.bytes, { newBundleForExistingVersion: true });
    expect(t.registry.installOf(TENANT, first.extension.id)?.contentHash).toBe(a.contentHash);
    expect([count('extension_version'), count('extension_bundle')]).toEqual([1, 2]);
    expect(t.registry.installOf(TENANT, first.extension.id)?.installId).toBe(installId);
  });

  it('should resolve an X.Y.* version to the next patch at publish', async () => {
    t = await openTestRegistry();
    const first = await t.registry.publishBytes((await bundleOf(manifest({ version: '2.3.*' }))).bytes);
    const second = await t.registry.publishBytes((await bundleOf(manifest({ version: '2.3.*' }), [{ path: 'ui/a.js', data: new Uint8Array([2]) }])).bytes);
    expect([first.version.version, second.version.version]).toEqual(['2.3.0', '2.3.1']);
  });

  it('should leave no rows and no archive behind when the transaction fails midway', async () => {
    t = await openTestRegistry();
    const db = new Database(path.join(t.dataDir, 'registry.sqlite'));
    db.exec(`CREATE TRIGGER fail_endpoints BEFORE INSERT ON extension_api_endpoint BEGIN SELECT RAISE(ABORT, 'disk on fire'); END`);
    db.close();
    const b = await bundleOf();
    await expect(t.registry.publishBytes(b.bytes)).rejects.toThrow('disk on fire');
    expect([count('extension_registry'), count('extension_version'), count('extension_bundle'), count('publish_journal')]).toEqual([0, 0, 0, 0]);
    expect(await t.store.has(`sha256/${b.hex}/bundle.tar.zst`)).toBe(false);
  });

  it('should remove an archive a crashed publish left in the journal when the registry reopens', async () => {
    t = await openTestRegistry();
    const orphan = 'sha256/' + 'a'.repeat(64) + '/bundle.tar.zst';
    await t.store.put(orphan, new Uint8Array([1, 2, 3]));
    const db = new Database(path.join(t.dataDir, 'registry.sqlite'));
    db.prepare(`INSERT INTO publish_journal (canonical_key, staging_key, created_at) VALUES (?, '', 'n')`).run(orphan);
    db.close();
    t.registry.close();
    const reopened = await Registry.open({ dataDir: t.dataDir, store: t.store, signing: t.registry.signing });
    expect(await t.store.has(orphan)).toBe(false);
    expect(count('publish_journal')).toBe(0);
    reopened.close();
  });
});

describe('publish: signatures', () => {
  it('dev mode should sign an unsigned bundle with the dev key and warn', async () => {
    t = await openTestRegistry({ mode: 'dev' });
    const result = await t.registry.finalize(await staged(t));
    expect(result.signature).toEqual({ status: 'dev-signed', keyId: t.registry.signing.devKey?.keyId });
    expect(t.warnings.some((w) => w.includes("with the emulator's dev key"))).toBe(true);
  });

  it('dev mode should replace the official CLI placeholder with a dev signature and report it', async () => {
    t = await openTestRegistry({ mode: 'dev' });
    const result = await t.registry.finalize({ ...(await staged(t)), signature: { text: PLACEHOLDER, algorithm: 'cosign' } });
    expect(result.signature.status).toBe('dev-signed');
    expect(t.warnings.some((w) => /placeholder/i.test(w))).toBe(true);
  });

  it('strict mode should refuse an unsigned bundle with SIGNATURE_MISSING and register nothing', async () => {
    t = await openTestRegistry({ mode: 'strict' });
    await expect(t.registry.finalize(await staged(t))).rejects.toMatchObject({ code: 'SIGNATURE_MISSING' });
    expect(count('extension_bundle')).toBe(0);
  });

  it('strict mode should report the placeholder as SIGNATURE_UNVERIFIABLE', async () => {
    t = await openTestRegistry({ mode: 'strict' });
    await expect(t.registry.finalize({ ...(await staged(t)), signature: { text: PLACEHOLDER } })).rejects.toMatchObject({ code: 'SIGNATURE_UNVERIFIABLE' });
  });

  it('strict mode should accept a signature by a trusted key and refuse one by an untrusted key', async () => {
    const trusted = generateSigningKey('ed25519');
    const stranger = generateSigningKey('ecdsa-p256');
    t = await openTestRegistry({ mode: 'strict', trustPems: [trusted.publicKeyPem] });
    const input = await staged(t);
    const hash = `sha256:${input.declaredHash}`;
    await expect(t.registry.finalize({ ...input, signature: { text: signContentHash(hash, stranger.privateKeyPem) } })).rejects.toMatchObject({ code: 'SIGNATURE_UNTRUSTED' });
    const ok = await t.registry.finalize({ ...(await staged(t)), signature: { text: signContentHash(hash, trusted.privateKeyPem) } });
    expect(ok.signature).toEqual({ status: 'verified', keyId: trusted.keyId });
  });

  it('off mode should accept the placeholder as production does today', async () => {
    t = await openTestRegistry({ mode: 'off' });
    const ok = await t.registry.finalize({ ...(await staged(t)), signature: { text: PLACEHOLDER } });
    expect(ok.signature.status).toBe('skipped');
  });
});

async function staged(reg: TestRegistry): Promise<{ key: string; declaredHash: string; manifestJson: string }> {
  const b = await bundleOf();
  const s = await reg.registry.stageUpload({ bytes: b.bytes, size: b.bytes.length, declaredHash: b.hex });
  return { key: s.upload.key, declaredHash: b.hex, manifestJson: b.manifestJson };
}
