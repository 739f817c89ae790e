// Issue 12, items 1–2: crafted archives published through the real publish API of a running
// emulator (in this process, so that its RSS can be read). Each is refused by finalize with its
// exact code, even though manifestJson is sent as the official CLI does, and another tenant's
// Gateway call still answers 200 afterwards. The bomb must not grow RSS by more than 50 MB.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeContentHash } from '../../../emulator/bundles/hash.ts';
import { packEntries, packExtension, type PackEntry } from '../../../emulator/bundles/pack.ts';
import { startEmulator, type RunningEmulator } from '../../../emulator/host/start-emulator.ts';
import { HELLO_HOST_DIR, RunnerFixture, executeBody } from '../../../harness/runner-fixture.ts';
import { BOMB_MEMBER_BYTES, BOMB_UNPACKED_BYTES, buildZstdBomb, craftedArchives, text, type CraftedArchive } from './crafted-archives.ts';

const API_KEY = 'hostile-key';
let emu: RunningEmulator;
let dataDir = '';
let otherTenantCall: () => Promise<number>;
let crafted: CraftedArchive[] = [];
let bomb: Uint8Array;
let oneMemberBomb: Uint8Array;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'hostile-archives-'));
  emu = await startEmulator({ settings: { dataDir, port: 0, runnerPort: 0, apiKey: API_KEY } });
  const published = await emu.registry.publishBytes((await packExtension(HELLO_HOST_DIR)).bytes);
  const other = emu.seed.secondTenantId;
  await emu.registry.install(other, published.extension.id, published.version.version);
  const token = emu.sessions.devTokens(other).find((d) => d.role === 'msp-admin')?.token ?? '';
  otherTenantCall = async () => {
    const res = await fetch(`${emu.urls.main}/api/ext/${published.extension.id}/counter`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
    await res.arrayBuffer();
    return res.status;
  };
  expect(await otherTenantCall()).toBe(200);
  crafted = await craftedArchives();
  oneMemberBomb = await buildZstdBomb();
  bomb = await buildZstdBomb(BOMB_UNPACKED_BYTES, BOMB_MEMBER_BYTES);
}, 300_000);

afterAll(async () => {
  await emu?.close();
  await rm(dataDir, { recursive: true, force: true });
});

/** upload-proxy then finalize, exactly as the official CLI does; the finalize answer. */
async function publish(bytes: Uint8Array, manifestJson: string): Promise<{ status: number; body: { code?: string; error?: string } }> {
  const hex = computeContentHash(bytes).slice('sha256:'.length);
  const headers = { 'x-api-key': API_KEY, 'x-tenant-id': emu.seed.defaultTenantId, 'x-alga-admin': 'true' };
  const up = await fetch(`${emu.urls.main}/api/ext-bundles/upload-proxy?filename=bundle.tar.zst&size=${bytes.length}&declaredHash=${hex}`, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/octet-stream' },
    body: Buffer.from(bytes),
  });
  expect(up.status).toBe(200);
  const key = ((await up.json()) as { upload: { key: string } }).upload.key;
  const fin = await fetch(`${emu.urls.main}/api/ext-bundles/finalize`, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json' },
    body: JSON.stringify({ key, declaredHash: hex, size: bytes.length, manifestJson }),
  });
  return { status: fin.status, body: (await fin.json()) as { code?: string; error?: string } };
}

describe('finalize refuses crafted archives, and the emulator keeps serving other tenants', () => {
  it.each([0, 1, 2, 3, 4, 5, 6])('crafted archive #%i', async (i) => {
    const archive = crafted[i] as CraftedArchive;
    const answer = await publish(archive.bytes, archive.manifestJson);
    expect([archive.name, answer.status, answer.body.code]).toEqual([archive.name, archive.status, archive.code]);
    expect(answer.body.error).not.toContain(dataDir);
    expect(await otherTenantCall()).toBe(200);
    expect(emu.registry.installs(emu.seed.defaultTenantId).map((i) => i.publisher)).not.toContain('hostile');
  }, 60_000);

  it('refuses a ~150 KB archive holding one 4.5 GiB member with BUNDLE_ENTRY_TOO_LARGE, from its header', async () => {
    expect(oneMemberBomb.length).toBeLessThan(200_000);
    const answer = await publish(oneMemberBomb, JSON.stringify({}));
    expect([answer.status, answer.body.code]).toEqual([400, 'BUNDLE_ENTRY_TOO_LARGE']);
    expect(answer.body.error).toBe('bundle entry "zeros-0.bin" is 4831838208 bytes (4608 MiB); the limit is 67108864 bytes (64 MiB) per file (EXT_BUNDLE_MAX_ENTRY_BYTES). Fix: shrink or split the file, or raise EXT_BUNDLE_MAX_ENTRY_BYTES.');
    expect(await otherTenantCall()).toBe(200);
  }, 60_000);

  it('refuses a ~150 KB archive unpacking to 4.5 GiB in 63 MiB members with BUNDLE_RATIO_TOO_HIGH: RSS +< 50 MB, other tenants served meanwhile', async () => {
    expect(BOMB_UNPACKED_BYTES).toBe(4.5 * 1024 ** 3);
    expect(bomb.length).toBeLessThan(200_000);
    // Warm the reading path once so that its code and worker start-up are not counted as growth.
    expect((await publish(crafted[0]!.bytes, crafted[0]!.manifestJson)).status).toBe(400);
    const before = process.memoryUsage().rss;
    let peak = before;
    const sampler = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 2);
    try {
      const [answer, during] = await Promise.all([publish(bomb, JSON.stringify({})), otherTenantCall()]);
      expect([answer.status, answer.body.code]).toEqual([400, 'BUNDLE_RATIO_TOO_HIGH']);
      expect(answer.body.error).toMatch(/^bundle expands more than 100× \(EXT_BUNDLE_MAX_COMPRESSION_RATIO\)/);
      expect(during).toBe(200);
    } finally {
      clearInterval(sampler);
    }
    peak = Math.max(peak, process.memoryUsage().rss);
    expect((peak - before) / 1024 / 1024).toBeLessThan(50);
    expect(await otherTenantCall()).toBe(200);
  }, 120_000);
});

describe('the Runner extracts with the same rules and limits', () => {
  it('refuses a stored archive finalize would refuse (two manifest.json), and one over EXT_BUNDLE_MAX_ENTRIES, without naming its folders', async () => {
    const runner = await RunnerFixture.start({}, {}, { EXT_BUNDLE_MAX_ENTRIES: '3' });
    try {
      const ext = '11111111-1111-4111-8111-111111111111';
      const cases: [PackEntry[], string][] = [
        [[{ path: 'manifest.json', data: text('{}') }, { path: 'manifest.json', data: text('{"a":1}') }], 'bundle holds "manifest.json" more than once; one copy would be validated and another run. Fix: repack so that each path appears once.'],
        [[1, 2, 3, 4].map((i) => ({ path: `ui/${i}.js`, data: text('1') })), 'bundle has more than 3 entries (EXT_BUNDLE_MAX_ENTRIES). Fix: bundle the UI into fewer files, or raise EXT_BUNDLE_MAX_ENTRIES.'],
      ];
      for (const [entries, message] of cases) {
        const { bytes, contentHash } = await packEntries(entries);
        await runner.putBundle(bytes, contentHash, ext);
        const reply = await runner.execute(executeBody(ext, contentHash, 'GET', '/x'));
        expect([reply.httpStatus, reply.envelope.status, reply.envelope.error]).toEqual([200, 502, `bundle_fetch_failed: ${message}`]);
        expect(reply.envelope.error).not.toContain(runner.dataDir);
      }
    } finally {
      await runner.close();
    }
  }, 60_000);
});
