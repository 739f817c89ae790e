// The shell state answer is bounded by the manifest limits: one installed extension at every
// limit, with the characters JSON escapes most, adds a fixed, computed number of bytes.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MANIFEST_LIMITS } from '../../manifest/index.ts';
import { bundleOf, manifest } from '../../registry/test-support.ts';
import { TENANT, openShellFixture, type ShellFixture } from './test-support.ts';

let f: ShellFixture;
beforeEach(async () => {
  f = await openShellFixture();
});
afterEach(async () => {
  await f.close();
});

/** U+0001 is one character that JSON writes as `\u0001`: 6 bytes, the most any character costs. */
const WORST = '\u0001';
const ESCAPED = 6;

/**
 * The most one installed extension adds to `/api/emulator/state`: its entry's keys, two UUIDs, a
 * `sha256:` hash, an ASCII version, and every other string at its limit in 6-byte characters
 * (the slug is publisher "." name). 14,347 bytes with MANIFEST_LIMITS.
 */
function maxEntryBytes(): number {
  const { identifierChars, labelChars, pathChars } = MANIFEST_LIMITS;
  const keys = JSON.stringify({ registryId: '', installId: '', slug: '', name: '', publisher: '', version: '', contentHash: '', menus: { msp: '', clientPortal: '' }, uiEntry: '' }).length;
  const uuid = 36;
  const hash = 'sha256:'.length + 64;
  const slug = (identifierChars * 2) * ESCAPED + 1;
  const strings = slug + identifierChars * ESCAPED * 2 + identifierChars + labelChars * ESCAPED * 2 + pathChars * ESCAPED;
  return 1 + keys + uuid * 2 + hash + strings; // 1: the comma before the entry
}

async function stateBytes(): Promise<number> {
  const res = await fetch(`${f.url}/api/emulator/state?tenantId=${TENANT}`);
  expect(res.status).toBe(200);
  return Buffer.byteLength(await res.text());
}

describe('GET /api/emulator/state with a manifest at the limits', () => {
  it('should grow by at most the computed 14,347 bytes for an extension at every limit', async () => {
    expect(maxEntryBytes()).toBe(14_347);
    const before = await stateBytes();
    const { identifierChars, labelChars, pathChars } = MANIFEST_LIMITS;
    const atLimits = manifest({
      name: WORST.repeat(identifierChars),
      publisher: WORST.repeat(identifierChars),
      version: `1.0.0-${'a'.repeat(identifierChars - 6)}`,
      ui: { type: 'iframe', entry: WORST.repeat(pathChars), hooks: { appMenu: { label: WORST.repeat(labelChars) }, clientPortalMenu: { label: WORST.repeat(labelChars) } } },
    });
    const published = await f.t.registry.publishBytes((await bundleOf(atLimits)).bytes);
    await f.t.registry.install(TENANT, published.extension.id, published.version.version);
    const after = await stateBytes();
    expect(after - before).toBe(maxEntryBytes());
  });

  it('should never see an over-limit label: publish refuses it', async () => {
    const before = await stateBytes();
    const huge = manifest({ name: 'huge-label', ui: { type: 'iframe', entry: 'index.html', hooks: { appMenu: { label: 'x'.repeat(1024 * 1024) } } } });
    await expect(f.t.registry.publishBytes((await bundleOf(huge)).bytes)).rejects.toMatchObject({ code: 'MANIFEST_TOO_LARGE', status: 413 });
    const labelled = manifest({ name: 'long-label', ui: { type: 'iframe', entry: 'index.html', hooks: { appMenu: { label: 'x'.repeat(MANIFEST_LIMITS.labelChars + 1) } } } });
    await expect(f.t.registry.publishBytes((await bundleOf(labelled)).bytes)).rejects.toMatchObject({
      code: 'INVALID_MANIFEST',
      issues: [{ path: '$.ui.hooks.appMenu.label', message: 'has 129 characters; the limit is 128' }],
    });
    expect(await stateBytes()).toBe(before);
  });
});
