import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeContentHash } from '../../emulator/bundles/hash.ts';
import { packEntries } from '../../emulator/bundles/pack.ts';
import { bundleStoreKey } from '../../emulator/bundles/store.ts';
import { EmulatorError } from '../../emulator/errors.ts';
import type { BundleVerifier } from '../../emulator/runner/bundle-verifier.ts';
import type { InstallDirectory } from '../../emulator/runner/ui/install-directory.ts';
import { RunnerFixture, TENANT, TEST_GUEST_DIR, executeBody } from '../../harness/runner-fixture.ts';

type VerifyInput = Parameters<BundleVerifier['verify']>[0];

/** Records every call; refuses the content hashes in `refused` as a tampered signature would be. */
class RecordingVerifier implements BundleVerifier {
  readonly calls: Omit<VerifyInput, 'bytes' | 'expectedContentHash'>[] = [];
  readonly expected: string[] = [];
  readonly refused = new Set<string>();
  async verify({ tenantId, extensionId, contentHash, expectedContentHash }: VerifyInput): Promise<void> {
    this.calls.push({ tenantId, extensionId, contentHash });
    this.expected.push(expectedContentHash);
    if (this.refused.has(contentHash)) throw new EmulatorError('SIGNATURE_INVALID', 'signature does not match the archive. Re-sign the bundle.');
  }
  callsFor(extensionId: string) {
    return this.calls.filter((c) => c.extensionId === extensionId);
  }
}

const allowAll: InstallDirectory = { hasActiveBundle: async () => true, lookupByHost: async () => null };
const EXT = '44444444-4444-4444-8444-444444444444';
const UI_EXT = 'ui-verified';
const enc = (s: string) => new TextEncoder().encode(s);

/** The archive with its last byte flipped: what tampering on disk looks like. */
function tampered(bytes: Uint8Array): Uint8Array {
  const copy = bytes.slice();
  copy[copy.length - 1] = (copy[copy.length - 1] ?? 0) ^ 0xff;
  return copy;
}

function get(fx: RunnerFixture, path: string): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(fx.url);
  return new Promise((resolve, reject) => {
    request({ host: hostname, port, path }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
    })
      .on('error', reject)
      .end();
  });
}

let fx: RunnerFixture;
const verifier = new RecordingVerifier();

beforeAll(async () => {
  fx = await RunnerFixture.start({}, { verifier, installDirectory: allowAll });
});
afterAll(() => fx.close());

describe('bundle verification on /v1/execute', () => {
  let hash: string;
  let original: Uint8Array;

  beforeAll(async () => {
    hash = await fx.install(TEST_GUEST_DIR, EXT);
    original = (await fx.runner.store.get(bundleStoreKey(TENANT, EXT, hash)))!;
  });

  it('verifies once on the first load and not again while the stored archive is unchanged', async () => {
    expect((await fx.execute(executeBody(EXT, hash, 'GET', '/global'))).envelope.status).toBe(200);
    expect(verifier.callsFor(EXT)).toEqual([{ tenantId: TENANT, extensionId: EXT, contentHash: hash }]);
    await fx.execute(executeBody(EXT, hash, 'GET', '/global'));
    await fx.execute(executeBody(EXT, hash, 'GET', '/echo'));
    expect(verifier.callsFor(EXT)).toHaveLength(1);
  });

  it('fails the next execute with the verifier code once the archive is replaced in the store', async () => {
    const swapped = tampered(original);
    verifier.refused.add(computeContentHash(swapped));
    await fx.putBundle(swapped, hash, EXT);
    const res = await fx.execute(executeBody(EXT, hash, 'GET', '/global'));
    expect(res.envelope).toEqual({
      status: 502,
      headers: {},
      body_b64: null,
      error: 'bundle_fetch_failed: SIGNATURE_INVALID: signature does not match the archive. Re-sign the bundle.',
    });
    expect(verifier.callsFor(EXT).at(-1)).toEqual({ tenantId: TENANT, extensionId: EXT, contentHash: computeContentHash(swapped) });
    // The requested hash travels along, so the registry can look up the signature the bytes must match.
    expect(verifier.expected.at(-1)).toBe(hash);
  });

  it('fails with archive hash mismatch when the verifier accepts a replaced archive', async () => {
    const swapped = tampered(original);
    verifier.refused.clear();
    await fx.putBundle(swapped, hash, EXT);
    const res = await fx.execute(executeBody(EXT, hash, 'GET', '/global'));
    expect(res.envelope.error).toBe(`bundle_fetch_failed: archive hash mismatch: expected ${hash}, got ${computeContentHash(swapped)}`);
  });

  it('runs again, re-verified, once the original archive is back', async () => {
    const before = verifier.callsFor(EXT).length;
    await fx.putBundle(original, hash, EXT);
    expect((await fx.execute(executeBody(EXT, hash, 'GET', '/global'))).envelope.status).toBe(200);
    expect(verifier.callsFor(EXT)).toHaveLength(before + 1);
  });

  it('verifies each tenant’s own archive once while sharing the extraction', async () => {
    await fx.install(TEST_GUEST_DIR, EXT, 'tenant-2');
    const body = executeBody(EXT, hash, 'GET', '/global');
    expect((await fx.execute(body, { 'x-alga-tenant': 'tenant-2' })).envelope.status).toBe(200);
    expect((await fx.execute(body, { 'x-alga-tenant': 'tenant-2' })).envelope.status).toBe(200);
    expect(verifier.calls.filter((c) => c.tenantId === 'tenant-2')).toEqual([{ tenantId: 'tenant-2', extensionId: EXT, contentHash: hash }]);
  });
});

describe('bundle verification on /ext-ui', () => {
  let hash: string;
  let original: Uint8Array;
  const page = (tail: string) => `/ext-ui/${UI_EXT}/${hash}/${tail}?tenant=${TENANT}`;

  beforeAll(async () => {
    const packed = await packEntries(
      [
        { path: 'manifest.json', data: enc('{}') },
        { path: 'ui/index.html', data: enc('<p>verified</p>') },
        { path: 'ui/app.js', data: enc('verified()') },
      ],
      { level: 1 },
    );
    hash = packed.contentHash;
    original = packed.bytes;
    await fx.putBundle(original, hash, UI_EXT);
  });

  it('verifies once on the first serve and not again while the stored archive is unchanged', async () => {
    expect(await get(fx, page('index.html'))).toEqual({ status: 200, body: '<p>verified</p>' });
    expect(await get(fx, page('app.js'))).toEqual({ status: 200, body: 'verified()' });
    expect(verifier.callsFor(UI_EXT)).toEqual([{ tenantId: TENANT, extensionId: UI_EXT, contentHash: hash }]);
  });

  it('answers 500 extract_failed once the archive is replaced and refused, naming the code in the debug stream', async () => {
    const swapped = tampered(original);
    verifier.refused.add(computeContentHash(swapped));
    await fx.putBundle(swapped, hash, UI_EXT);
    expect(await get(fx, page('index.html'))).toEqual({ status: 500, body: '{"code":"extract_failed"}' });
    expect(fx.runner.debugEvents.recent({ extension_id: UI_EXT }).at(-1)).toMatchObject({
      level: 'error',
      stream: 'log',
      tenant_id: TENANT,
      content_hash: hash,
      message: 'ext-ui extract_failed: SIGNATURE_INVALID: signature does not match the archive. Re-sign the bundle.',
    });
  });

  it('answers 502 archive_hash_mismatch when the verifier accepts the replaced archive', async () => {
    verifier.refused.clear();
    expect(await get(fx, page('app.js'))).toEqual({ status: 502, body: '{"code":"archive_hash_mismatch"}' });
  });

  it('serves again, re-verified, once the original archive is back', async () => {
    const before = verifier.callsFor(UI_EXT).length;
    await fx.putBundle(original, hash, UI_EXT);
    expect(await get(fx, page('app.js'))).toEqual({ status: 200, body: 'verified()' });
    expect(verifier.callsFor(UI_EXT)).toHaveLength(before + 1);
  });
});
